/**
 * Group commit for a hot write path: callers arriving while earlier writes are still in the
 * database wait in a queue, and the queue goes to the database as ONE batch (one statement, one
 * commit) as soon as a slot frees. An idle system writes each item at once (a batch of one, no
 * timer, no added latency); a busy one writes bigger batches, so the per-statement and per-commit
 * cost is shared instead of paid per item.
 *
 * - `write(items)` must be all-or-nothing and answer one outcome per item, in order.
 * - When a batch of several fails, nothing was written; each of its items is then written on its
 *   own, so one bad item gets its own error and never fails the others.
 * - `apart(a, b)`: items that must not share a batch (e.g. two uses of one idempotency key, or two
 *   items that would see each other as duplicates): the later one waits until the earlier one's
 *   batch has committed (it is kept out of the batch being formed AND out of any batch started
 *   while the earlier one is still in the database), as if the two had arrived one after the other.
 * - `slots`: batches in the database at once (more slots, smaller batches, more database cores).
 */
export class GroupCommit<I, O> {
  private readonly queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  /** the batches in the database */
  private readonly inFlight = new Set<I[]>();

  constructor(
    private readonly write: (items: I[]) => Promise<O[]>,
    private readonly opts: { slots: number; maxBatch: number; apart?: (a: I, b: I) => boolean },
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  /** Items waiting for a slot (for tests and metrics). */
  get waiting(): number {
    return this.queue.length;
  }

  private pump(): void {
    while (this.inFlight.size < this.opts.slots && this.queue.length > 0) {
      const batch = this.take();
      if (batch.length === 0) return; // everything waiting must stay apart from a batch in flight
      const items = batch.map((b) => b.item);
      this.inFlight.add(items);
      void this.flush(batch, items);
    }
  }

  /**
   * The database is done with a batch: the next one goes in BEFORE the callers of this one are
   * answered, so the database works on it while this process builds and sends their responses.
   */
  private release(items: I[]): void {
    this.inFlight.delete(items);
    this.pump();
  }

  /**
   * The next batch in arrival order; an item that must be apart from one already taken, or from one
   * still in the database, stays queued.
   */
  private take(): typeof this.queue {
    const { apart, maxBatch } = this.opts;
    const batch: typeof this.queue = [];
    const left: typeof this.queue = [];
    const clashes = (item: I) => !!apart && (batch.some((b) => apart(b.item, item)) || [...this.inFlight].some((f) => f.some((x) => apart(x, item))));
    for (const q of this.queue) {
      if (batch.length < maxBatch && !clashes(q.item)) batch.push(q);
      else left.push(q);
    }
    this.queue.splice(0, this.queue.length, ...left);
    return batch;
  }

  private async flush(batch: typeof this.queue, items: I[]): Promise<void> {
    let out: O[];
    try {
      out = await this.write(items);
    } catch (e) {
      if (batch.length === 1) {
        this.release(items);
        return batch[0].reject(e);
      }
      // The batch wrote nothing: each item on its own (still in this slot), so only the bad one fails.
      for (const b of batch) {
        try {
          b.resolve((await this.write([b.item]))[0]);
        } catch (err) {
          b.reject(err);
        }
      }
      return this.release(items);
    }
    this.release(items);
    if (out.length !== batch.length) {
      const e = new Error(`group commit: ${out.length} outcomes for ${batch.length} items`);
      return batch.forEach((b) => b.reject(e));
    }
    batch.forEach((b, k) => b.resolve(out[k]));
  }
}
