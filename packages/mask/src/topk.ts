/**
 * Exact top-k over a union of Float32Arrays without sorting: values are mapped to order-preserving
 * uint32 keys, the k-th largest key is found by a two-pass radix select (65,536-bin histograms of the
 * high and low 16 bits), and ties at the threshold are broken by global flat index (lower first), so
 * exactly k entries are selected. Time O(M), extra memory O(1) besides the 1-byte output.
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Order-preserving key: a < b (as floats, -0 = +0) ⇔ key(a) < key(b) (as unsigned ints). */
export function sortKey(v: number): number {
  f32[0] = v === 0 ? 0 : v;
  const u = u32[0];
  return (u & 0x80000000 ? ~u : u | 0x80000000) >>> 0;
}

/** A segment of the union: its values and where its 0/1 output goes. */
export interface Segment {
  name: string;
  values: Float32Array;
  out: Uint8Array;
}

function checkValues(segments: readonly Segment[]): void {
  for (const s of segments) {
    for (let i = 0; i < s.values.length; i++) {
      if (Number.isNaN(s.values[i])) throw new FishTuningError(`score at flat index ${i} is NaN`, { tensor: s.name });
    }
  }
}

/**
 * Sets out[i] = 1 for exactly `k` entries of the union with the largest values (ties: lowest global
 * flat index, segments taken in the given order). Leaves other bytes untouched.
 */
export function selectTopK(segments: readonly Segment[], k: number): void {
  const total = segments.reduce((n, s) => n + s.values.length, 0);
  if (!Number.isInteger(k) || k < 0 || k > total) throw new FishTuningError(`k must be an integer in [0, ${total}], got ${k}`, { option: 'count' });
  if (k === 0) return;
  checkValues(segments);
  // Pass 1: high 16 bits.
  const hist = new Float64Array(65536);
  for (const s of segments) for (let i = 0; i < s.values.length; i++) hist[sortKey(s.values[i]) >>> 16]++;
  let above = 0;
  let hi = 65535;
  for (; hi >= 0; hi--) {
    if (above + hist[hi] >= k) break;
    above += hist[hi];
  }
  // Pass 2: low 16 bits inside bin `hi`.
  hist.fill(0);
  for (const s of segments) {
    for (let i = 0; i < s.values.length; i++) {
      const key = sortKey(s.values[i]);
      if (key >>> 16 === hi) hist[key & 0xffff]++;
    }
  }
  let lo = 65535;
  for (; lo >= 0; lo--) {
    if (above + hist[lo] >= k) break;
    above += hist[lo];
  }
  const threshold = ((hi << 16) | lo) >>> 0;
  // Pass 3: everything above the threshold, then ties in flat order until exactly k.
  let ties = k - above;
  for (const s of segments) {
    for (let i = 0; i < s.values.length; i++) {
      const key = sortKey(s.values[i]);
      if (key > threshold) s.out[i] = 1;
      else if (key === threshold && ties > 0) {
        s.out[i] = 1;
        ties--;
      }
    }
  }
}
