import { GroupCommit } from './group-commit';

/** A writer that records its batches and answers when the test says so. */
function writer(fail: (item: number) => boolean = () => false) {
  const batches: number[][] = [];
  const pending: (() => void)[] = [];
  const write = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push(items);
      pending.push(() => (items.some(fail) ? reject(new Error(`bad item in ${items.join(',')}`)) : resolve(items.map((i) => `ok ${i}`))));
    });
  /** Lets every batch in flight answer, then lets the next ones start. */
  const drain = async () => {
    while (pending.length) {
      pending.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { batches, write, drain, inFlight: () => pending.length };
}

describe('GroupCommit', () => {
  it('writes an item at once when idle, and what arrives meanwhile as one batch in arrival order', async () => {
    const w = writer();
    const g = new GroupCommit(w.write, { slots: 1, maxBatch: 10 });
    const first = g.submit(1);
    expect(w.batches).toEqual([[1]]);
    const rest = [2, 3, 4].map((i) => g.submit(i));
    expect(g.waiting).toBe(3);
    await w.drain();
    expect(await first).toBe('ok 1');
    expect(await Promise.all(rest)).toEqual(['ok 2', 'ok 3', 'ok 4']);
    expect(w.batches).toEqual([[1], [2, 3, 4]]);
  });

  it('sends the next batch to the database before answering the callers of the last one', async () => {
    const w = writer();
    const g = new GroupCommit(w.write, { slots: 1, maxBatch: 10 });
    // what had gone to the database when the first caller got its answer
    const seenByFirst = g.submit(1).then(() => w.batches.map((b) => [...b]));
    const second = g.submit(2);
    await w.drain();
    expect(await seenByFirst).toEqual([[1], [2]]);
    expect(await second).toBe('ok 2');
  });

  it('keeps at most `slots` batches in flight and at most `maxBatch` items in a batch', async () => {
    const w = writer();
    const g = new GroupCommit(w.write, { slots: 2, maxBatch: 2 });
    const all = [1, 2, 3, 4, 5, 6, 7].map((i) => g.submit(i));
    expect(w.inFlight()).toBe(2);
    await w.drain();
    await Promise.all(all);
    expect(w.batches).toEqual([[1], [2], [3, 4], [5, 6], [7]]);
  });

  it('keeps an item that must be apart from one still in the database out of a batch beside it', async () => {
    const w = writer();
    const g = new GroupCommit(w.write, { slots: 2, maxBatch: 10, apart: (a, b) => a % 10 === b % 10 });
    const all = [1, 11, 2].map((i) => g.submit(i));
    // 11 must wait for 1's commit; 2 may go beside it
    expect(w.batches).toEqual([[1], [2]]);
    await w.drain();
    await Promise.all(all);
    expect(w.batches).toEqual([[1], [2], [11]]);
  });

  it('puts items that must be apart into later batches, keeping the order of the others', async () => {
    const w = writer();
    const g = new GroupCommit(w.write, { slots: 1, maxBatch: 10, apart: (a, b) => a % 10 === b % 10 });
    const all = [1, 2, 11, 3, 21, 12].map((i) => g.submit(i));
    await w.drain();
    await Promise.all(all);
    expect(w.batches).toEqual([[1], [2, 11, 3], [21, 12]]);
  });

  it('when a batch fails, writes each of its items on its own so only the bad one fails', async () => {
    const w = writer((i) => i === 3);
    const g = new GroupCommit(w.write, { slots: 1, maxBatch: 10 });
    const first = g.submit(1);
    const rest = [2, 3, 4].map((i) => g.submit(i));
    const outcomes = Promise.allSettled([first, ...rest]);
    await w.drain();
    const settled = await outcomes;
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((settled[2] as PromiseRejectedResult).reason.message).toBe('bad item in 3');
    expect(w.batches).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });

  it('rejects every item, without writing again, when the writer answers a wrong number of outcomes', async () => {
    const batches: number[][] = [];
    const g = new GroupCommit<number, string>(async (items) => (batches.push(items), ['only one']), { slots: 1, maxBatch: 10 });
    const a = g.submit(1);
    const rest = [g.submit(2), g.submit(3)];
    await expect(a).resolves.toBe('only one');
    for (const r of rest) await expect(r).rejects.toThrow('group commit: 1 outcomes for 2 items');
    expect(batches).toEqual([[1], [2, 3]]);
  });
});
