/** Ids, injected: the kernel and domains never generate randomness. */
export interface IdGenerator {
  next(): string;
}
