import type {
  AllStreamResolvedEvent,
  AppendResult,
  AppendToStreamOptions,
  EventData,
  GetStreamMetadataOptions,
  GetStreamMetadataResult,
  ReadAllOptions,
  ReadStreamOptions,
  ResolvedEvent,
  SetStreamMetadataOptions,
  StreamMetadata,
  SubscribeToAllOptions,
} from '@eventstore/db-client';

/** A server-streamed read: iterate it; `cancel` stops the server side early. */
export interface ClientRead<T> extends AsyncIterable<T> {
  cancel?(): Promise<void>;
}

/** A live `$all` subscription as the adapter uses it. */
export interface ClientSubscription extends AsyncIterable<AllStreamResolvedEvent> {
  unsubscribe(): Promise<void>;
  /** The server confirmed the subscription: from here on, new events arrive through it. */
  on(event: 'confirmation', listener: () => void): unknown;
}

/**
 * The client calls the adapter makes: the part of `EventStoreDBClient` it uses. The real client
 * satisfies it as is; pass your own (or a wrapper of it, e.g. to inject failures) as `client`.
 */
export interface EventStoreDbClientPort {
  appendToStream(streamName: string, events: EventData[], options?: AppendToStreamOptions): Promise<AppendResult>;
  readStream(streamName: string, options?: ReadStreamOptions): ClientRead<ResolvedEvent>;
  readAll(options?: ReadAllOptions): ClientRead<AllStreamResolvedEvent>;
  subscribeToAll(options?: SubscribeToAllOptions): ClientSubscription;
  setStreamMetadata(
    streamName: string,
    metadata: StreamMetadata,
    options?: SetStreamMetadataOptions,
  ): Promise<AppendResult>;
  getStreamMetadata(streamName: string, options?: GetStreamMetadataOptions): Promise<GetStreamMetadataResult>;
}

/**
 * Iterates a read, calling `onItem` per item until it returns `false`; cancels the server-side
 * read when stopping early or on an error, so no stream is left running.
 */
export const consumeRead = async <T>(read: ClientRead<T>, onItem: (item: T) => boolean): Promise<void> => {
  let finished = false;
  try {
    for await (const item of read) {
      if (!onItem(item)) return;
    }
    finished = true;
  } finally {
    if (!finished) await read.cancel?.().catch(() => undefined);
  }
};
