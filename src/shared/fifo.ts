/**
 * A first-in, first-out queue on an array with a moving head: `push` and `shift` are O(1) (an array's
 * own `shift` copies the rest, which at thousands of items a second is the cost). The consumed front is
 * dropped now and then, once it is the larger part.
 */
export class Fifo<T> {
  #items: T[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** The oldest item, without removing it. */
  peek(): T | undefined {
    return this.#head < this.#items.length ? this.#items[this.#head] : undefined;
  }

  shift(): T | undefined {
    if (this.#head === this.#items.length) return undefined;
    const item = this.#items[this.#head++];
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}

/**
 * Events in the last `windowMs` (a sliding window, not fixed slots): "at most N a second" as Meta
 * counts its throughput limit. Times must not go backwards (they come from one clock, in order).
 */
export class SlidingWindow {
  readonly #times = new Fifo<number>();

  constructor(private readonly windowMs = 1000) {}

  /** Records an event at `now` if fewer than `limit` happened in the window before it; whether it did. */
  take(now: number, limit: number): boolean {
    for (let oldest = this.#times.peek(); oldest !== undefined && now - oldest >= this.windowMs; oldest = this.#times.peek()) this.#times.shift();
    if (this.#times.size >= limit) return false;
    this.#times.push(now);
    return true;
  }

  /** When the oldest event in the window leaves it (undefined when empty). */
  nextFreeAt(): number | undefined {
    const oldest = this.#times.peek();
    return oldest === undefined ? undefined : oldest + this.windowMs;
  }
}
