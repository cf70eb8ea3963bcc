import type { IncomingMessage } from '@ordo/kernel';

/**
 * A bus consumer whose deliveries the simulation steps by hand: the bus hands a message over and
 * waits; `handle` runs the worker on it; `ack` lets the bus go on; `crash` fails the delivery so
 * the bus delivers it again (a crash between the effect and the ack becomes a duplicate).
 */
export interface GatedConsumer {
  readonly name: string;
  /** The handler to subscribe on the bus. */
  readonly onMessage: (message: IncomingMessage) => Promise<void>;
  /** Where the current delivery stands. */
  state(): 'idle' | 'delivered' | 'handled';
  /** Runs the worker on the delivered message. */
  handle(): Promise<void>;
  /** Acknowledges the handled message. */
  ack(): void;
  /** Drops the delivery in progress: the bus delivers it again. */
  crash(): void;
}

interface Delivery {
  readonly message: IncomingMessage;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  handled: boolean;
}

/** Wraps `work` as a gated consumer; an error thrown by `work` goes to `onError` and the message is redelivered. */
export const createGatedConsumer = (
  name: string,
  work: (message: IncomingMessage) => Promise<void>,
  onError: (error: unknown, message: IncomingMessage) => void,
): GatedConsumer => {
  let current: Delivery | undefined;
  return {
    name,
    onMessage: (message) =>
      new Promise<void>((resolve, reject) => {
        current = { message, resolve, reject, handled: false };
      }),
    state: () => (current === undefined ? 'idle' : current.handled ? 'handled' : 'delivered'),
    handle: async () => {
      const delivery = current;
      if (delivery === undefined || delivery.handled) return;
      try {
        await work(delivery.message);
        delivery.handled = true;
      } catch (error) {
        onError(error, delivery.message);
        current = undefined;
        delivery.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    ack: () => {
      const delivery = current;
      if (delivery === undefined || !delivery.handled) return;
      current = undefined;
      delivery.resolve();
    },
    crash: () => {
      const delivery = current;
      if (delivery === undefined) return;
      current = undefined;
      delivery.reject(new Error(`${name} crashed`));
    },
  };
};
