/**
 * A full disk while training (a real one: a small tmpfs, mounted when the machine allows it): the error names
 * the file that could not be written and says the last checkpoint is intact; it is, and resume finishes the run.
 */
import { afterAll, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readCheckpoint, findCheckpoint, train } from '../src/node-entry.js';
import { TinyModel, tinyAdapter, tinyData } from './helpers/tiny-model.js';

const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'fish-full-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], { stdio: 'ignore' });
  mounted = true;
} catch {
  console.warn('skipped: cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN); the disk-full check runs where it can');
}
afterAll(() => {
  if (mounted) execFileSync('umount', [mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
});

it.skipIf(!mounted)('ENOSPC during a checkpoint: names the file, keeps the last checkpoint, resume completes', async () => {
  const out = path.join(mountPoint, 'run');
  const filler = path.join(mountPoint, 'filler');
  const data = tinyData(24);
  const options = (model: TinyModel) => ({ model, adapter: tinyAdapter(model), train: data, batchSize: 4, lr: 0.05, seed: 3, maxSteps: 6, checkpointEvery: 2, outDir: out });
  const model = new TinyModel({}, 5);
  const run = train({
    ...options(model),
    onStep: (r) => {
      if (r.step !== 3) return;
      // Take every free byte, so the step-4 checkpoint cannot be written.
      const { bavail, bsize } = fs.statfsSync(mountPoint);
      try {
        fs.writeFileSync(filler, Buffer.alloc(Number(bavail) * Number(bsize)));
      } catch {
        /* filled up to the last block */
      }
    },
  });
  await expect(run).rejects.toThrow(/file '.*checkpoint\.tmp-\d+.*': could not be written \(ENOSPC: no space left on the device\); the last checkpoint .*checkpoint is intact/);
  model.dispose();
  expect((await readCheckpoint((await findCheckpoint(out))!)).state.step).toBe(2);
  expect(fs.readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);

  fs.rmSync(filler);
  const again = new TinyModel({}, 5);
  const result = await train({ ...options(again), resume: true });
  expect(result).toMatchObject({ resumedFrom: 2, steps: 6 });
  again.dispose();
});
