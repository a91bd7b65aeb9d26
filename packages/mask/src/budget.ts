/**
 * Splitting a budget k over groups (tensors or layers) in proportion to their sizes, by largest
 * remainder, so that the parts are integers that sum to exactly k and never exceed a group's size.
 * @module
 */

/** Integer shares of `k` proportional to `sizes` (Hamilton's method; ties to the earlier group). */
export function proportionalShares(sizes: readonly number[], k: number): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total === 0) return sizes.map(() => 0);
  const exact = sizes.map((s) => (s * k) / total);
  const shares = exact.map(Math.floor);
  let left = k - shares.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left === 0) break;
    if (shares[i] < sizes[i]) {
      shares[i]++;
      left--;
    }
  }
  return shares;
}

/** Transformer layer of a PEFT tensor name (`….layers.3.…`, `….layer.3.…`), or null. */
export function layerOfName(name: string): number | null {
  const m = /\.(?:layers|layer|h|blocks)\.(\d+)\./.exec(name);
  return m ? Number(m[1]) : null;
}
