/**
 * A real crash: a child process (vitest running fixtures/kill-child.run.ts) trains with a checkpoint
 * after every update and is killed with SIGKILL mid-run; the run resumed here from its directory must
 * end with exactly the weights of an uninterrupted run.
 */
import { afterEach, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '@fish-tuning/test-utils';
import { killableRun } from './fixtures/kill-run.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function checkpointStep(out: string): number {
  for (const name of ['checkpoint', 'checkpoint.old']) {
    try {
      return JSON.parse(fs.readFileSync(path.join(out, name, 'trainer_state.json'), 'utf8')).step;
    } catch {
      /* not there (yet) */
    }
  }
  return 0;
}

it('a run killed with SIGKILL and resumed ends bit-identical to an uninterrupted run', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fish-kill-'));
  dirs.push(out);
  const root = repoRoot();
  const child = spawn(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'packages/trainer/test/fixtures/vitest.child.config.ts'], {
    cwd: root,
    env: { ...process.env, FISH_KILL_OUT: out },
    detached: true,
    stdio: 'ignore',
  });
  const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  try {
    const deadline = Date.now() + 90_000;
    while (checkpointStep(out) < 6) {
      if (Date.now() > deadline) throw new Error('the child never reached step 6');
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    // The child's whole process group (vitest and its fork worker).
    process.kill(-child.pid!, 'SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');
  const killedAt = checkpointStep(out);
  expect(killedAt).toBeGreaterThanOrEqual(6);
  expect(killedAt).toBeLessThan(20);

  const resumed = await killableRun(out, true);
  expect(resumed.result.resumedFrom).toBe(killedAt);
  expect(resumed.result.steps).toBe(20);
  const straight = await killableRun(undefined, false);
  for (const [name, v] of straight.weights) expect(resumed.weights.get(name), name).toEqual(v);
});
