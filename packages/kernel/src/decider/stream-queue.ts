/**
 * Runs tasks one at a time per key, in the order they arrive; tasks of different keys run
 * concurrently. The command handler queues the commands of one stream behind each other, so
 * within a process they never conflict with each other (each is decided on the state the
 * previous one left).
 */
export interface StreamQueue {
  /** Runs `task` once every task queued before it on `streamId` has settled; answers its result. */
  run<T>(streamId: string, task: () => Promise<T>): Promise<T>;
  /** Streams with a task running or waiting. */
  readonly activeStreams: number;
}

/**
 * Builds a {@link StreamQueue}. Share one between command handlers that write the same streams
 * (through `CommandHandlerConfig.queue`) to serialise them too; each handler has its own by default.
 */
export const createStreamQueue = (): StreamQueue => {
  // The promise the next task on a stream waits for; removed when the last task settles.
  const tails = new Map<string, Promise<unknown>>();
  return {
    run: <T>(streamId: string, task: () => Promise<T>): Promise<T> => {
      const previous = tails.get(streamId);
      const result = previous === undefined ? task() : previous.then(task, task);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(streamId, tail);
      void tail.then(() => {
        if (tails.get(streamId) === tail) tails.delete(streamId);
      });
      return result;
    },
    get activeStreams() {
      return tails.size;
    },
  };
};
