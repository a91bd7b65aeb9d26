/**
 * The paper's claims as paired comparisons. For two selections of the same method, task and row (Ratio2
 * or layer group), the per-seed difference of their scores and the number of seeds in which the first is
 * ahead. Paired by seed because cells of one seed share the data order and the head's init, so much of
 * the seed spread cancels; a mean difference smaller than its spread is reported as such, not as a win.
 * @module
 */
import type { Cell } from './cell.js';
import type { ResultsFile } from './results-file.js';
import { summarize, type Summary } from './stats.js';

/** "a beats b": FISH > random, random > reverse (masks), FISH ≥ original (fixed-ratio). */
export interface Claim {
  a: Cell['selection'];
  b: Cell['selection'];
}

export const MASKS_CLAIMS: readonly Claim[] = [
  { a: 'fish', b: 'random' },
  { a: 'random', b: 'reverse' },
  { a: 'fish', b: 'reverse' },
];
export const FIXED_RATIO_CLAIMS: readonly Claim[] = [{ a: 'fish', b: 'dense' }];

export interface PairedDifference {
  /** Score of a minus score of b, one value per seed with both finished. */
  diffs: number[];
  summary: Summary | null;
  /** Seeds where a scored strictly higher / where they tied. */
  wins: number;
  ties: number;
}

function paired(diffs: number[]): PairedDifference {
  return { diffs, summary: summarize(diffs), wins: diffs.filter((d) => d > 0).length, ties: diffs.filter((d) => d === 0).length };
}

type Pick = { method: string; row: string; task: string };

function scoresBySeed(cells: readonly Cell[], results: ResultsFile, pick: Pick, selection: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const c of cells) {
    if (c.method !== pick.method || c.row !== pick.row || c.task !== pick.task || c.selection !== selection) continue;
    const r = results.cells[c.id]?.result;
    if (r && Number.isFinite(r.score)) out.set(c.seed, r.score);
  }
  return out;
}

/** seed → score of a − score of b, for the seeds of one task with both cells finished. */
function diffsBySeed(cells: readonly Cell[], results: ResultsFile, pick: Pick, claim: Claim): Map<number, number> {
  const a = scoresBySeed(cells, results, pick, claim.a);
  const b = scoresBySeed(cells, results, pick, claim.b);
  return new Map([...a].filter(([seed]) => b.has(seed)).map(([seed, s]) => [seed, s - b.get(seed)!]));
}

/** Per-seed differences a − b for one task. */
export function pairedDifference(cells: readonly Cell[], results: ResultsFile, pick: Pick, claim: Claim): PairedDifference {
  return paired([...diffsBySeed(cells, results, pick, claim).values()]);
}

/** Per-seed differences of the task averages (seeds where every task has both cells finished). */
export function averagePairedDifference(cells: readonly Cell[], results: ResultsFile, tasks: readonly string[], pick: Omit<Pick, 'task'>, claim: Claim): PairedDifference {
  const perTask = tasks.map((task) => diffsBySeed(cells, results, { ...pick, task }, claim));
  const seeds = [...new Set(perTask.flatMap((m) => [...m.keys()]))].sort((x, y) => x - y);
  const diffs = seeds.filter((seed) => perTask.every((m) => m.has(seed))).map((seed) => perTask.reduce((sum, m) => sum + m.get(seed)!, 0) / tasks.length);
  return paired(diffs);
}

/** '+3.10 ± 1.20 (3/3)': mean ± std of the per-seed differences, and seeds where a was ahead of n. */
export function formatPaired(p: PairedDifference): string {
  if (!p.summary) return '—';
  const { mean, std, n } = p.summary;
  const sign = mean > 0 ? '+' : mean < 0 ? '−' : '±';
  const spread = n > 1 ? ` ± ${std.toFixed(2)}` : '';
  return `${sign}${Math.abs(mean).toFixed(2)}${spread} (${p.wins}/${n}${p.ties ? `, ${p.ties} tied` : ''})`;
}

/**
 * A word for a paired difference: the sign is called only when the mean exceeds the spread of several seeds;
 * a single seed has no spread, so its sign is reported as just that.
 */
export function verdict(p: PairedDifference): 'holds' | 'reversed' | 'within spread' | 'tied' | 'ahead in one seed' | 'behind in one seed' | 'n/a' {
  if (!p.summary) return 'n/a';
  const { mean, std, n } = p.summary;
  if (mean === 0 && std === 0) return 'tied';
  if (n === 1) return mean > 0 ? 'ahead in one seed' : 'behind in one seed';
  if (Math.abs(mean) <= std) return 'within spread';
  return mean > 0 ? 'holds' : 'reversed';
}
