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

/** One header's value as {@link decodeHeaders} would decode it (the last of a repeated key), without decoding the others. */
export const headerValue = (headers: RawHeaders | undefined, name: string): string | undefined => {
  if (headers === undefined || !Object.hasOwn(headers, name)) return undefined;
  const value = headers[name];
  if (value === undefined) return undefined;
  if (typeof value === 'string' || Buffer.isBuffer(value)) return headerText(value);
  const list = value as ReadonlyArray<Buffer | string>;
  const last = list[list.length - 1];
  return last === undefined ? undefined : headerText(last);
};

/**
 * Decodes Kafka headers into strings (UTF-8). A repeated key keeps its last value, as Kafka's own
 * `lastHeader` does; keys without a value are dropped. Every name becomes an own property, even
 * one like `__proto__` (which plain assignment would swallow).
 */
export const decodeHeaders = (headers: RawHeaders | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  // A plain loop and assignment: this runs for every consumed message.
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    let text: string;
    if (typeof value === 'string' || Buffer.isBuffer(value)) text = headerText(value);
    else {
      const list = value as ReadonlyArray<Buffer | string>;
      const last = list[list.length - 1];
      if (last === undefined) continue;
      text = headerText(last);
    }
    if (name === '__proto__')
      Object.defineProperty(out, name, { value: text, enumerable: true, writable: true, configurable: true });
    else out[name] = text;
  }
  return out;
};
