import type { LiveMessage } from '@gc/contracts';

/**
 * The wall's worker layer is fed at most once per `intervalMs` (1 s): 5,000 phones every 10 s are
 * 500 `worker.position` messages a second, arriving in many socket batches; each would otherwise
 * re-render the wall and touch the map. Messages wait here, only the newest per worker (by seq),
 * and go on together. The first message after a quiet second goes on at once.
 */
export class ThrottledFeed {
  private readonly waiting = new Map<number, LiveMessage<'worker.position'>>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private last = -Infinity;

  constructor(
    private readonly deliver: (messages: LiveMessage<'worker.position'>[]) => void,
    private readonly intervalMs = 1000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Other message types are ignored (the wall routes them elsewhere). */
  push(messages: LiveMessage[]): void {
    for (const m of messages) {
      if (m.type !== 'worker.position') continue;
      const id = m.data?.workerId;
      if (typeof id !== 'number') continue;
      const prior = this.waiting.get(id);
      if (!prior || prior.seq < m.seq) this.waiting.set(id, m);
    }
    if (this.waiting.size === 0 || this.timer) return;
    const wait = this.last + this.intervalMs - this.now();
    if (wait <= 0) this.emit();
    else
      this.timer = setTimeout(() => {
        this.timer = null;
        this.emit();
      }, wait);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.waiting.clear();
  }

  private emit(): void {
    const out = [...this.waiting.values()];
    this.waiting.clear();
    this.last = this.now();
    if (out.length) this.deliver(out);
  }
}
