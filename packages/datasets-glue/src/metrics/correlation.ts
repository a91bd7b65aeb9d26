/**
 * Pearson and Spearman correlation (STS-B's metrics). Spearman is Pearson on ranks, where tied
 * values share the average of their ranks (as scipy.stats.spearmanr does).
 * @module
 */
import { checkPairs } from './check.js';

/** Pearson's r; NaN when either vector is constant. */
export function pearson(x: readonly number[], y: readonly number[]): number {
  checkPairs(x, y, 'pearson');
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

/** 1-based ranks of `x`, ties getting the mean of the ranks they span. */
export function averageRanks(x: readonly number[]): number[] {
  const order = x.map((_, i) => i).sort((a, b) => x[a] - x[b]);
  const ranks = new Array<number>(x.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && x[order[j + 1]] === x[order[i]]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = r;
    i = j + 1;
  }
  return ranks;
}

/** Spearman's ρ: Pearson's r of the average ranks. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  checkPairs(x, y, 'spearman');
  return pearson(averageRanks(x), averageRanks(y));
}
