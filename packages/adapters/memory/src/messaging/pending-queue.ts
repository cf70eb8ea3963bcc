/**
 * A group's queue of messages to deliver: an array read from a moving head, so that taking the
 * first item (what every delivery without reordering does) costs O(1) however long the queue is.
 * `Array.prototype.splice(0, 1)` moves every later item: about 30 µs per delivery with 10,000
 * queued, 360 µs with 100,000 (and `shift` is as slow once the array leaves V8's fast path),
 * which made a backed-up bus slower the more it was backed up.
 */
export class PendingQueue<T> {
  private items: T[] = [];
  private head = 0;

  /** Items queued. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** The item at `index` (0 is the next to deliver). */
  at(index: number): T {
    return this.items[this.head + index]!;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Removes and returns the item at `index`. */
  removeAt(index: number): T {
    if (index === 0) {
      const item = this.items[this.head]!;
      this.items[this.head] = undefined as T; // let it be collected
      this.head += 1;
      this.compact();
      return item;
    }
    return this.items.splice(this.head + index, 1)[0]!;
  }

  /** Inserts `item` so that it is at `index` (0 makes it the next to deliver). */
  insertAt(index: number, item: T): void {
    if (index === 0 && this.head > 0) {
      this.head -= 1;
      this.items[this.head] = item;
    } else this.items.splice(this.head + index, 0, item);
  }

  /** Drops the consumed prefix once it is most of the array (amortised O(1) per removal). */
  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
