/**
 * The ordering report of `reproduce`: paired-by-seed differences between selections, worked by hand on
 * a synthetic grid (two tasks, three seeds, one seed unfinished on one task).
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Cell, CellResult, CellSettings } from '../src/commands/reproduce/cell.js';
import { buildGrid } from '../src/commands/reproduce/protocols.js';
import { MASKS_CLAIMS, averagePairedDifference, formatPaired, pairedDifference, verdict } from '../src/commands/reproduce/ordering.js';
import { writeReport } from '../src/commands/reproduce/report.js';
import type { ResultsFile } from '../src/commands/reproduce/results-file.js';
import { settingsFor } from '../src/commands/reproduce/settings.js';

const cells = buildGrid('masks', { tasks: ['sst2', 'mrpc'], seeds: [0, 1, 2], methods: ['lora'], depth: 6, ratios: [0.01], layers: 'top:2' });

// score[task][selection] per seed; mrpc seed 2 reverse is unfinished.
const SCORES: Record<string, Record<string, (number | null)[]>> = {
  sst2: { dense: [78, 77, 79], fish: [62, 60, 64], random: [59, 61, 60], reverse: [58, 57, 59] },
  mrpc: { dense: [80, 81, 80], fish: [75, 74, 76], random: [73, 75, 72], reverse: [70, 71, null] },
};

function resultsFile(): ResultsFile {
  const settings: CellSettings = settingsFor('sst2', {});
  const out: ResultsFile = { format: 'fish-tuning-reproduce/1', protocol: 'masks', model: 'm', command: 'c', settings: { sst2: settings, mrpc: settings }, cells: {} };
  for (const c of cells) {
    const score = SCORES[c.task]![c.selection]![c.seed];
    if (score === null || score === undefined) continue;
    const result = { score, metrics: {}, perEpoch: [], trainable: 1, total: 100, modelParameters: 1000, steps: 1, secondsPerEpoch: 1, peakTensorBytes: 1, peakHeapBytes: null, optimizerStateBytes: 1, wallSeconds: 1 } satisfies CellResult;
    out.cells[c.id] = { cell: c as Cell, settings, result, finishedAt: '' };
  }
  return out;
}

describe('reproduce ordering', () => {
  const results = resultsFile();
  const fishVsRandom = MASKS_CLAIMS[0]!;
  const randomVsReverse = MASKS_CLAIMS[1]!;

  it('pairs the two selections seed by seed within a task', () => {
    // sst2 fish − random per seed: 62−59, 60−61, 64−60 = 3, −1, 4.
    const p = pairedDifference(cells, results, { method: 'lora', row: '1%', task: 'sst2' }, fishVsRandom);
    expect(p.diffs).toEqual([3, -1, 4]);
    expect(p.wins).toBe(2);
    expect(p.summary!.mean).toBeCloseTo(2, 12);
    // sample std of (3, −1, 4) around 2: sqrt((1 + 9 + 4) / 2) = sqrt(7)
    expect(p.summary!.std).toBeCloseTo(Math.sqrt(7), 12);
    expect(formatPaired(p)).toBe(`+2.00 ± ${Math.sqrt(7).toFixed(2)} (2/3)`);
    expect(verdict(p)).toBe('within spread');
  });

  it('leaves out seeds where either cell is unfinished', () => {
    // mrpc random − reverse: 73−70, 75−71; seed 2 has no reverse.
    const p = pairedDifference(cells, results, { method: 'lora', row: '1%', task: 'mrpc' }, randomVsReverse);
    expect(p.diffs).toEqual([3, 4]);
    expect(verdict(p)).toBe('holds');
  });

  it('averages the per-seed differences over tasks only for seeds every task has', () => {
    // random − reverse: sst2 (1, 4, 1), mrpc (3, 4, —) → seeds 0, 1: (1+3)/2 = 2, (4+4)/2 = 4.
    const avg = averagePairedDifference(cells, results, ['sst2', 'mrpc'], { method: 'lora', row: '1%' }, randomVsReverse);
    expect(avg.diffs).toEqual([2, 4]);
    expect(avg.wins).toBe(2);
  });

  it('calls a reversed ordering reversed, and counts ties', () => {
    const reversed = pairedDifference(cells, results, { method: 'lora', row: '1%', task: 'sst2' }, { a: 'reverse', b: 'fish' });
    expect(verdict(reversed)).toBe('reversed');
    expect(formatPaired({ diffs: [0, 0], summary: { mean: 0, std: 0, n: 2, values: [0, 0] }, wins: 0, ties: 2 })).toBe('±0.00 ± 0.00 (0/2, 2 tied)');
    expect(verdict({ diffs: [0], summary: { mean: 0, std: 0, n: 1, values: [0] }, wins: 0, ties: 1 })).toBe('tied');
    // One seed has no spread: its sign is reported, not called a result.
    expect(verdict({ diffs: [2], summary: { mean: 2, std: 0, n: 1, values: [2] }, wins: 1, ties: 0 })).toBe('ahead in one seed');
    expect(verdict({ diffs: [-2], summary: { mean: -2, std: 0, n: 1, values: [-2] }, wins: 0, ties: 0 })).toBe('behind in one seed');
  });

  it('puts the paired table into results.md', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ordering-'));
    try {
      await writeReport(out, results, cells);
      const md = fs.readFileSync(path.join(out, 'results.md'), 'utf8');
      const line = md.split('\n').find((l) => l.startsWith('| FISH − FISH-rand | 1% |'));
      // sst2 (3, −1, 4); mrpc (2, −1, 4); average per seed (2.5, −1, 4) → mean 1.83, std 2.57.
      expect(line).toBeDefined();
      const cols = line!.split('|').slice(1, -1).map((c) => c.trim());
      expect(cols[2]).toBe(`+2.00 ± ${Math.sqrt(7).toFixed(2)} (2/3)`);
      const avg = [2.5, -1, 4];
      const m = avg.reduce((a, b) => a + b) / 3;
      const sd = Math.sqrt(avg.reduce((a, b) => a + (b - m) ** 2, 0) / 2);
      expect(cols[4]).toBe(`+${m.toFixed(2)} ± ${sd.toFixed(2)} (2/3)`);
      expect(cols[5]).toBe('within spread');
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
