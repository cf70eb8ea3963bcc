import { type AnyEvent, type Decider, type EventStore, fold } from '@ordo/kernel';
import type { Host } from '../composition/host';
import { HostTokens, resolveService } from '../composition/tokens';

/** A stream's state folded by its decider, with its version (`undefined`: no such stream). */
export interface StreamRead<S> {
  readonly state: S;
  readonly version: bigint | undefined;
}

/** Reads one stream straight from the host's event store: what `GET /orders/{id}` and friends answer, with their `ETag`. */
export interface StreamReader {
  read<C, Ev extends AnyEvent, S>(decider: Decider<C, Ev, S>, streamId: string): Promise<StreamRead<S>>;
}

/** A {@link StreamReader} on the host's `EventStore` (resolved from its container). */
export const createStreamReader = (host: Host): StreamReader => {
  const store: EventStore = resolveService(host.container, HostTokens.EventStore);
  return {
    read: async <C, Ev extends AnyEvent, S>(decider: Decider<C, Ev, S>, streamId: string) => {
      const events = await store.readStream(streamId);
      const last = events[events.length - 1];
      return {
        state: fold(
          decider,
          events.map((e) => e.event as Ev),
        ),
        version: last?.streamVersion,
      };
    },
  };
};
