/** Header names the adapter reads and writes (the kernel's `messageHeaders` writes the `ordo-*` event headers). */
export const HEADER = {
  eventId: 'ordo-event-id',
  eventType: 'ordo-event-type',
  schemaVersion: 'ordo-schema-version',
  correlationId: 'ordo-correlation-id',
  causationId: 'ordo-causation-id',
  streamId: 'ordo-stream-id',
  streamVersion: 'ordo-stream-version',
  traceparent: 'traceparent',
} as const;

/** Header values as kafkajs hands them over: a Buffer or string, an array for a repeated key. */
export type RawHeaders = Readonly<Record<string, Buffer | string | ReadonlyArray<Buffer | string> | undefined>>;

const headerText = (value: Buffer | string): string => (typeof value === 'string' ? value : value.toString('utf8'));

/**
 * Decodes Kafka headers into strings (UTF-8). A repeated key keeps its last value, as Kafka's own
 * `lastHeader` does; keys without a value are dropped. Every name becomes an own property, even
 * one like `__proto__` (which plain assignment would swallow).
 */
export const decodeHeaders = (headers: RawHeaders | undefined): Record<string, string> => {
  if (headers === undefined) return {};
  const out: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (typeof value === 'string' || Buffer.isBuffer(value)) {
      out.push([name, headerText(value)]);
      continue;
    }
    const list = value as ReadonlyArray<Buffer | string>;
    const last = list[list.length - 1];
    if (last !== undefined) out.push([name, headerText(last)]);
  }
  return Object.fromEntries(out);
};
