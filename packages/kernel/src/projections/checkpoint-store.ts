/** The checkpoint port: the global position up to which a named consumer has processed events. */
export interface CheckpointStore {
  load(name: string): Promise<bigint | undefined>;
  save(name: string, position: bigint): Promise<void>;
}
