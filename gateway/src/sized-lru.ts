/**
 * A least-recently-used map bounded by the total size of its entries (each entry's size is given
 * by the caller, usually the length of the operation text it was derived from), not by their
 * number: anyone may send operations, and a thousand 60 KB texts must not fit where a thousand
 * 1 KB ones do. An entry larger than the whole budget is not kept and pushes nothing out.
 */
export class SizedLru<V> {
  private readonly entries = new Map<string, { value: V; size: number }>();
  private total = 0;

  constructor(readonly maxSize: number) {}

  get size(): number {
    return this.total;
  }

  get count(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Most recently used last: re-inserted.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** The value without marking it used: for a reader that must not pay for a reorder on every call. */
  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  set(key: string, value: V, size: number): void {
    if (size > this.maxSize) return;
    this.delete(key);
    this.entries.set(key, { value, size });
    this.total += size;
    for (const [oldest, entry] of this.entries) {
      if (this.total <= this.maxSize) break;
      this.entries.delete(oldest);
      this.total -= entry.size;
    }
  }

  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.total -= entry.size;
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}
