/**
 * Seeded uniform choice of exactly k of M entries in one pass and O(1) extra memory (Knuth's
 * selection sampling, Algorithm S): entry i is taken with probability (k − taken)/(M − i).
 * @module
 */
import { Rng } from '@fish-tuning/core';
/** Marks exactly k entries of `segments` (in order) with 1, uniformly at random. Only the sizes matter. */
export function selectRandom(segments: readonly { out: Uint8Array }[], k: number, rng: Rng): void {
  let remaining = segments.reduce((n, s) => n + s.out.length, 0);
  let needed = k;
  for (const s of segments) {
    for (let i = 0; i < s.out.length; i++) {
      if (needed > 0 && rng.next() * remaining < needed) {
        s.out[i] = 1;
        needed--;
      }
      remaining--;
    }
  }
}
