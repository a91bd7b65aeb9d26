/**
 * Which examples go into which step: a seeded epoch order (reproducible from the seed and the epoch
 * alone, so a resumed run needs to store only its position) and micro-batches that never exceed a token
 * budget (the wasm heap is capped at 4 GiB). Collation itself is core's `collate`.
 * @module
 */
import { FishTuningError, Rng, type Example } from '@fish-tuning/core';

/** The order of example indices in `epoch` (0-based): a Fisher–Yates shuffle seeded by (seed, epoch). */
export function epochOrder(count: number, seed: number, epoch: number, shuffle = true): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  if (!shuffle) return order;
  return new Rng((seed ^ Math.imul(epoch + 1, 0x9e3779b9)) >>> 0).shuffle(order);
}

/**
 * Splits `examples` (kept in order) into consecutive groups whose padded size (count × longest) stays
 * within `maxTokens`. A single example longer than the budget goes alone (it cannot be split).
 */
export function microBatches<T extends Example>(examples: readonly T[], maxTokens: number): T[][] {
  if (!(maxTokens > 0)) throw new FishTuningError(`token budget must be > 0, got ${maxTokens}`, { option: 'maxTokensPerMicroBatch' });
  const out: T[][] = [];
  let current: T[] = [];
  let longest = 0;
  for (const e of examples) {
    const len = e.inputIds.length;
    const nextLongest = Math.max(longest, len);
    if (current.length > 0 && (current.length + 1) * nextLongest > maxTokens) {
      out.push(current);
      current = [];
      longest = 0;
    }
    current.push(e);
    longest = Math.max(longest, len);
  }
  if (current.length) out.push(current);
  return out;
}
