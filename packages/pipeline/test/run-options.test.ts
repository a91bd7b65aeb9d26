import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkRunOptions, RUN_OPTIONS_NAME } from '../src/node-entry.js';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'fish-run-options-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('checkRunOptions', () => {
  const first = { lr: 0.001, optimizer: 'adamw', data: 'sha256:aa', targets: ['q_proj', 'v_proj'] };

  it('records at the first start and accepts an unchanged resume without rewriting the file', async () => {
    const dir = tmp();
    await checkRunOptions(dir, first, { resume: false });
    const file = path.join(dir, RUN_OPTIONS_NAME);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).options).toEqual(first);
    const mtime = fs.statSync(file).mtimeMs;
    await checkRunOptions(dir, { ...first }, { resume: true });
    expect(fs.statSync(file).mtimeMs).toBe(mtime);
  });

  it('refuses every changed, added or removed option with old and new value, unless allowed', async () => {
    const dir = tmp();
    await checkRunOptions(dir, first, { resume: false });
    const now = { lr: 0.01, optimizer: 'adamw', data: 'sha256:bb', targets: ['q_proj'], seed: 1 };
    const err = await checkRunOptions(dir, now, { resume: true }).catch((e) => e);
    expect(err.option).toBe('resume');
    expect(err.message).toContain('lr 0.001 → 0.01');
    expect(err.message).toContain('data sha256:aa → sha256:bb');
    expect(err.message).toContain('targets ["q_proj","v_proj"] → ["q_proj"]');
    expect(err.message).toContain('seed (unset) → 1');
    expect(err.message).not.toContain('optimizer');
    await checkRunOptions(dir, now, { resume: true, allowChanged: true });
    expect(JSON.parse(fs.readFileSync(path.join(dir, RUN_OPTIONS_NAME), 'utf8')).options).toEqual(now);
  });

  it('compares with the run being continued when it lies in another directory', async () => {
    const from = tmp();
    const out = tmp();
    await checkRunOptions(from, first, { resume: false });
    await expect(checkRunOptions(out, { ...first, lr: 1 }, { resume: true, fromDir: from })).rejects.toThrow(/lr 0\.001 → 1/);
    await checkRunOptions(out, first, { resume: true, fromDir: from });
    expect(JSON.parse(fs.readFileSync(path.join(out, RUN_OPTIONS_NAME), 'utf8')).options).toEqual(first);
  });
});
