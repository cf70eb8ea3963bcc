/** The time, injected: the kernel and domains never read a clock. */
export interface Clock {
  now(): Date;
}
