/**
 * `fish-tune reproduce <protocol>` on a tiny BERT and real GLUE rows: every protocol's table has the
 * paper's shape (rows × tasks, one result per cell and seed), figures are SVG, and a run that dies after
 * some cells continues from results.json without recomputing them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasShared, sharedPath } from '@fish-tuning/test-utils';
import { reproduce, type ReproduceCliOptions } from '../src/commands/reproduce/command.js';
import { runCellWithFishTune } from '../src/commands/reproduce/run-cell.js';
import type { RunCell } from '../src/commands/reproduce/cell.js';
import type { ResultsFile } from '../src/commands/reproduce/results-file.js';
import type { ProtocolName } from '../src/commands/reproduce/protocols.js';
import { tinyBertDir } from './helpers/tiny-bert.js';
import { cli } from './run.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reproduce-'));
let model = '';
beforeAll(async () => {
  if (hasShared('data', 'sst2')) model = await tinyBertDir({ layers: 3 });
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  if (model) fs.rmSync(model, { recursive: true, force: true });
});

const io = { out: () => {}, err: () => {} };
const small = { trainLimit: '8', evalLimit: '8', epochs: '2', batchSize: '4', fisherSamples: '4', seeds: '0,1' };

function results(out: string): ResultsFile {
  return JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
}

/** Data rows of the markdown tables in results.md (lines starting with '| ' after a separator). */
function tableRows(md: string): string[][] {
  const rows: string[][] = [];
  let inTable = false;
  for (const line of md.split('\n')) {
    if (/^\|---/.test(line)) inTable = true;
    else if (!line.startsWith('|')) inTable = false;
    else if (inTable) rows.push(line.split('|').slice(1, -1).map((c) => c.trim()));
  }
  return rows;
}

/** A runCell that dies (like a killed process) when asked for its `failAt`-th cell, and counts the cells it ran. */
function crashingAfter(failAt: number): { runCell: RunCell; ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    runCell: async (cell, settings, ctx) => {
      if (ran.length + 1 === failAt) throw new Error('killed');
      ran.push(cell.id);
      return runCellWithFishTune(cell, settings, ctx);
    },
  };
}

interface Case {
  protocol: ProtocolName;
  options: Partial<ReproduceCliOptions>;
  /** cells per task per seed */
  cells: number;
  /** rows of results.md's tables and the columns of each (the ordering table aside) */
  rows: number;
  /** rows of the paired-difference table (the paper's ordering) */
  ordering: number;
  columns: number;
  svgs: number;
}

// Tiny BERT with 3 layers: fixed-ratio LoRA compares top 1, 2 against FISH on top 3 (2 groups × 2 rows).
const CASES: Case[] = [
  { protocol: 'fixed-ratio', options: { tasks: 'sst2' }, cells: 4, rows: 4, columns: 4, ordering: 2, svgs: 1 },
  { protocol: 'masks', options: { tasks: 'sst2,stsb', ratios: '10' }, cells: 4, rows: 4, columns: 6, ordering: 3, svgs: 3 },
  { protocol: 'epochs', options: { tasks: 'sst2', ratios: '10' }, cells: 3, rows: 3, columns: 3, ordering: 0, svgs: 1 },
  { protocol: 'lori', options: { tasks: 'sst2', ratios: '5,1' }, cells: 4, rows: 2, columns: 3, ordering: 0, svgs: 0 },
  { protocol: 'resources', options: { tasks: 'sst2', ratios: '10,1' }, cells: 3, rows: 3, columns: 8, ordering: 0, svgs: 1 },
];

describe.skipIf(!hasShared('data', 'sst2'))('fish-tune reproduce (tiny BERT, GLUE rows)', () => {
  for (const c of CASES) {
    it(`${c.protocol}: the table has the paper's shape, and a crashed run resumes without recomputing finished cells`, async () => {
      const out = path.join(tmp, c.protocol);
      const options = { model, dataDir: sharedPath('data'), out, ...small, ...c.options } as ReproduceCliOptions;
      const tasks = options.tasks!.split(',').length;
      const total = c.cells * tasks * 2;
      const first = crashingAfter(3);
      await expect(reproduce({ protocol: c.protocol, options, io, command: 'test', runCell: first.runCell })).rejects.toThrow('killed');
      const before = results(out);
      expect(Object.keys(before.cells)).toEqual(first.ran);
      const again = crashingAfter(0);
      await reproduce({ protocol: c.protocol, options, io, command: 'test', runCell: again.runCell });
      expect(again.ran).toHaveLength(total - 2);
      expect(again.ran.some((id) => first.ran.includes(id))).toBe(false);
      const after = results(out);
      expect(Object.keys(after.cells)).toHaveLength(total);
      for (const id of first.ran) expect(after.cells[id]!.finishedAt).toBe(before.cells[id]!.finishedAt);
      for (const rec of Object.values(after.cells)) {
        expect(Number.isFinite(rec.result.score)).toBe(true);
        expect(rec.result.trainable).toBeLessThanOrEqual(rec.result.total);
      }

      const md = fs.readFileSync(path.join(out, 'results.md'), 'utf8');
      const all = tableRows(md).filter((r) => r.length !== 2); // the settings tables have 2 columns
      const ordering = all.filter((r) => r[0]!.includes(' − '));
      const rows = all.filter((r) => !ordering.includes(r));
      expect(rows).toHaveLength(c.rows);
      for (const r of rows) expect(r).toHaveLength(c.columns);
      expect(ordering).toHaveLength(c.ordering);
      // Difference, row, one column per task, the average and the verdict.
      for (const r of ordering) expect(r).toHaveLength(tasks + 4);
      // Two seeds: every score cell is 'mean ± std'.
      if (c.protocol !== 'resources') for (const r of rows) expect(r.filter((x) => / ± /.test(x)).length).toBeGreaterThanOrEqual(1);
      const svgs = fs.readdirSync(out).filter((f) => f.endsWith('.svg'));
      expect(svgs.length).toBeGreaterThanOrEqual(c.svgs);
      for (const f of svgs) expect(fs.readFileSync(path.join(out, f), 'utf8')).toMatch(/^<svg/);
    });
  }

  it('a reverse cell that reused the FISH cell\'s Fisher scores equals the same cell run alone', async () => {
    const out = path.join(tmp, 'masks');
    const done = results(out);
    const id = Object.keys(done.cells).find((k) => k.includes('/sst2/') && k.includes('/reverse/') && k.endsWith('/s1'))!;
    const { cell, settings } = done.cells[id]!;
    const alone = await runCellWithFishTune(cell, settings, { model, dataDir: sharedPath('data'), workDir: tmp, cache: new Map() });
    expect(alone.score).toBe(done.cells[id]!.result.score);
    expect(alone.metrics.eval_loss).toBe(done.cells[id]!.result.metrics.eval_loss);
  });

  it('rejects bad flags by name, without a stack trace', async () => {
    const base = ['reproduce', 'masks', '--model', model, '--out', path.join(tmp, 'bad')];
    expect((await cli([...base, '--tasks', 'mnli'])).err).toContain("--tasks");
    expect((await cli([...base, '--ratios', '0'])).err).toContain('--ratios');
    expect((await cli(['reproduce', 'nope', '--model', model])).err).toContain('<protocol>');
    const r = await cli([...base, '--layers', 'bottom']);
    expect(r.code).toBe(2);
    expect(r.err).not.toContain('    at ');
  });
});
