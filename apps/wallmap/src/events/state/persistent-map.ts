/**
 * An immutable map for the wall's big collections (100k events, 10k grids) that a live batch of a
 * few changes can replace cheaply. The entries sit in 4,096 buckets by a hash of the key; a new
 * version copies the bucket array (4,096 pointers) and only the buckets it touches, where copying
 * a plain object of 100k entries costs tens of milliseconds once the ids are sparse (real database
 * ids: the object falls back to dictionary mode).
 *
 * Each version also remembers which keys its last few predecessors changed, so whoever holds an
 * older version can ask what changed since (`changedSince`) instead of comparing every entry.
 */
const BITS = 12;
const SLOTS = 1 << BITS;
/** how many versions back `changedSince` can see; further behind, the caller compares everything */
export const HISTORY = 32;

let versions = 0;

function slotOf(key: string | number): number {
  if (typeof key === 'number') return Math.imul(key | 0, 0x9e3779b1) >>> (32 - BITS);
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> (32 - BITS);
}

interface Step<K> {
  /** the version this step started from */
  from: number;
  keys: readonly K[];
}

export class PersistentMap<K extends string | number, V> {
  /** unique across all maps, so a version of another lineage (a replay, a new snapshot) never matches */
  readonly version = ++versions;

  private constructor(
    private readonly slots: readonly (ReadonlyMap<K, V> | undefined)[],
    readonly size: number,
    /** newest first */
    private readonly steps: readonly Step<K>[],
  ) {}

  static empty<K extends string | number, V>(): PersistentMap<K, V> {
    return new PersistentMap<K, V>(new Array<undefined>(SLOTS).fill(undefined), 0, []);
  }

  /** A new lineage (nothing to diff against): later keys win. */
  static from<K extends string | number, V>(entries: Iterable<readonly [K, V]>): PersistentMap<K, V> {
    const slots = new Array<Map<K, V> | undefined>(SLOTS).fill(undefined);
    let size = 0;
    for (const [k, v] of entries) {
      const i = slotOf(k);
      const b = (slots[i] ??= new Map());
      if (!b.has(k)) size++;
      b.set(k, v);
    }
    return new PersistentMap<K, V>(slots, size, []);
  }

  get(key: K): V | undefined {
    return this.slots[slotOf(key)]?.get(key);
  }

  has(key: K): boolean {
    return this.slots[slotOf(key)]?.has(key) ?? false;
  }

  /**
   * A new version with these keys set, `undefined` deleting one; this version stays as it was.
   * Returns this same map when there is nothing to apply.
   */
  with(changes: Iterable<readonly [K, V | undefined]>): PersistentMap<K, V> {
    let slots: (ReadonlyMap<K, V> | undefined)[] | null = null;
    const copied = new Set<number>();
    const keys: K[] = [];
    let size = this.size;
    for (const [k, v] of changes) {
      const i = slotOf(k);
      slots ??= this.slots.slice();
      let b = slots[i] as Map<K, V> | undefined;
      if (!copied.has(i)) {
        b = new Map(b);
        slots[i] = b;
        copied.add(i);
      }
      const had = b!.has(k);
      if (v === undefined) {
        if (!had) continue;
        b!.delete(k);
        size--;
      } else {
        b!.set(k, v);
        if (!had) size++;
      }
      keys.push(k);
    }
    if (!slots || !keys.length) return this;
    return new PersistentMap<K, V>(slots, size, [{ from: this.version, keys }, ...this.steps.slice(0, HISTORY - 1)]);
  }

  /**
   * The keys that may differ between `base` and this version (each once), or null when `base` is
   * not one of this version's last HISTORY predecessors: then compare everything.
   */
  changedSince(base: PersistentMap<K, V>): K[] | null {
    if (base === this) return [];
    const out = new Set<K>();
    for (const s of this.steps) {
      for (const k of s.keys) out.add(k);
      if (s.from === base.version) return [...out];
    }
    return null;
  }

  *entries(): IterableIterator<[K, V]> {
    for (const b of this.slots) if (b) yield* b.entries();
  }

  *values(): IterableIterator<V> {
    for (const b of this.slots) if (b) yield* b.values();
  }

  *keys(): IterableIterator<K> {
    for (const b of this.slots) if (b) yield* b.keys();
  }

  forEach(fn: (value: V, key: K) => void): void {
    for (const b of this.slots) if (b) b.forEach(fn);
  }
}
