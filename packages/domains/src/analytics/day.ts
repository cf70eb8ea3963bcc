/**
 * The UTC calendar day (`YYYY-MM-DD`) of an ISO-8601 time carried by an event. Parsing a given
 * string reads no clock. A string that does not parse falls back to its first ten characters.
 */
export const utcDay = (at: string): string => {
  const ms = Date.parse(at);
  return Number.isNaN(ms) ? at.slice(0, 10) : new Date(ms).toISOString().slice(0, 10);
};
