import { createRandom as createSeedRandom } from '../../systems/seed/random.js';

/** Seeded, reproducible randomness for the differential test: a 32-bit string hash and a small PRNG. */

export function hashString(text: string): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 16777619);
  }
  return hash >>> 0;
}

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  int(below: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** The seed data's generator (systems/seed/random.ts), with `int` counting from zero. */
export function createRandom(seed: number): Random {
  const base = createSeedRandom(seed);
  return {
    next: base.next,
    int: (below) => Math.floor(base.next() * below),
    chance: base.chance,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return base.pick(items);
    },
  };
}

/** A Random derived from text (e.g. a field's seed and name): the same text, the same choices. */
export function randomFor(text: string): Random {
  return createRandom(hashString(text));
}

/** JSON with object keys sorted, so equal values give equal text whatever their key order. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableStringify((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
