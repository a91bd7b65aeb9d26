/**
 * A real crash: a child process runs a `fish-tune reproduce masks` grid on a tiny BERT and is killed with
 * SIGKILL after some cells have finished; the same command run again must compute only the missing cells
 * and keep the finished ones as they were.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasShared, repoRoot, sharedPath } from '@fish-tuning/test-utils';
import { reproduce, type ReproduceCliOptions } from '../src/commands/reproduce/command.js';
import { runCellWithFishTune } from '../src/commands/reproduce/run-cell.js';
import type { RunCell } from '../src/commands/reproduce/cell.js';
import { tinyBertDir } from './helpers/tiny-bert.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function finished(out: string): Record<string, { finishedAt: string }> {
  try {
    return JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')).cells;
  } catch {
    return {}; // not written yet (it is only ever replaced whole, never half-written)
  }
}

describe.skipIf(!hasShared('data', 'sst2'))('reproduce after SIGKILL', () => {
  it('continues from the finished cells of a killed run', async () => {
    const model = await tinyBertDir({ layers: 2 });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'reproduce-kill-'));
    dirs.push(model, out);
    const options = { model, dataDir: sharedPath('data'), out, tasks: 'sst2', ratios: '10,5,1', seeds: '0,1,2', trainLimit: '8', evalLimit: '8', epochs: '1', batchSize: '4', fisherSamples: '4' };
    const argv = ['reproduce', 'masks', ...Object.entries(options).flatMap(([k, v]) => [`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, v])];
    const total = 3 * (1 + 3 * 3);
    const root = repoRoot();
    const child = spawn(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'packages/cli/test/fixtures/vitest.child.config.ts'], {
      cwd: root,
      env: { ...process.env, FISH_REPRODUCE_ARGS: JSON.stringify(argv) },
      detached: true,
      stdio: 'ignore',
    });
    const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    try {
      const deadline = Date.now() + 240_000;
      while (Object.keys(finished(out)).length < 3) {
        if (Date.now() > deadline) throw new Error('the child never finished 3 cells');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      process.kill(-child.pid!, 'SIGKILL'); // the child's whole process group (vitest and its fork worker)
    }
    expect(await exited).toBe('SIGKILL');
    const before = finished(out);
    const done = Object.keys(before).length;
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThan(total);

    const ran: string[] = [];
    const counting: RunCell = async (cell, settings, ctx) => {
      ran.push(cell.id);
      return runCellWithFishTune(cell, settings, ctx);
    };
    await reproduce({ protocol: 'masks', options: options as ReproduceCliOptions, io: { out: () => {}, err: () => {} }, command: 'test', runCell: counting });
    expect(ran).toHaveLength(total - done);
    for (const id of ran) expect(before[id]).toBeUndefined();
    const after = finished(out);
    expect(Object.keys(after)).toHaveLength(total);
    for (const [id, rec] of Object.entries(before)) expect(after[id]!.finishedAt).toBe(rec.finishedAt);
  });
});
