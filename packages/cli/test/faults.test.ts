/**
 * Fault suite, on the CLI run as a separate process (bundled from the sources): a run killed while it
 * writes a checkpoint resumes to the same adapter as an uninterrupted run; a full disk (an injected
 * ENOSPC, and a real small tmpfs where this process may mount one) ends with exit code 2, a message
 * naming the file and saying the last checkpoint is intact — which it is; two runs on one --out: the
 * second is refused; resuming a finished run changes nothing and says so.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliBundle, hasShared, sharedPath } from '@fish-tuning/test-utils';

const MODEL = sharedPath('models', 'stories260K');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-'));
let bundle = '';

/** Training rows for stories260K: short token sequences (labels = input_ids). */
function writeRows(file: string, n = 24): void {
  const rows = Array.from({ length: n }, (_, i) => {
    const ids = Array.from({ length: 12 }, (_, j) => 3 + ((i * 37 + j * 11) % 500));
    return JSON.stringify({ input_ids: ids, labels: ids });
  });
  fs.writeFileSync(file, rows.join('\n') + '\n');
}

const DATA = path.join(tmp, 'rows.jsonl');
const trainArgs = (out: string, extra: string[] = []) => [
  'train', '--model', MODEL, '--data', DATA, '--method', 'lora', '--rank', '2', '--select', 'random', '--ratio', '0.5',
  '--max-steps', '12', '--batch-size', '4', '--checkpoint-every', '1', '--seed', '3', '--no-progress', '--out', out, ...extra,
];

/** Injects ENOSPC into every write of a file whose path contains FAULT_PATH, from the FAULT_AFTER-th such file on. */
const PRELOAD = path.join(tmp, 'enospc.mjs');
fs.writeFileSync(
  PRELOAD,
  `import fs from 'node:fs';
const open = fs.promises.open;
let seen = 0;
fs.promises.open = async function (p, flags, mode) {
  const h = await open.call(this, p, flags, mode);
  if (String(p).includes(process.env.FAULT_PATH) && String(flags).startsWith('w') && ++seen >= Number(process.env.FAULT_AFTER)) {
    h.writeFile = async () => { throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' }); };
  }
  return h;
};
`,
);

function run(args: string[], env: Record<string, string> = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 600_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, [bundle, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

const sha = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f).toString('base64') : null);

describe.skipIf(!hasShared('models', 'stories260K'))('fault suite (fish-tune as a process)', () => {
  let reference = '';

  beforeAll(async () => {
    bundle = await cliBundle();
    writeRows(DATA);
    reference = path.join(tmp, 'reference');
    const r = run(trainArgs(reference));
    expect(r.code, r.err).toBe(0);
  }, 900_000);

  it('killed while writing a checkpoint: the directory holds a complete checkpoint and --resume ends with the same adapter', async () => {
    let killedMidCheckpoint = false;
    let out = '';
    for (let attempt = 0; attempt < 6 && !killedMidCheckpoint; attempt++) {
      out = path.join(tmp, `killed-${attempt}`);
      const child = start(trainArgs(out));
      // Kill as soon as a temporary checkpoint directory appears after the first checkpoint exists.
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          const names = fs.existsSync(out) ? fs.readdirSync(out) : [];
          if (names.includes('checkpoint') && names.some((n) => n.startsWith('checkpoint.tmp-'))) {
            child.kill('SIGKILL');
            killedMidCheckpoint = true;
          }
          if (child.exitCode !== null || child.signalCode !== null) {
            clearInterval(timer);
            resolve();
          }
        }, 2);
      });
    }
    expect(killedMidCheckpoint, 'never caught the run inside a checkpoint write').toBe(true);
    const state = JSON.parse(fs.readFileSync(path.join(out, 'checkpoint', 'trainer_state.json'), 'utf8'));
    expect(state.step).toBeGreaterThan(0);
    const r = run([...trainArgs(out), '--resume']);
    expect(r.code, r.err).toBe(0);
    expect(fs.readdirSync(out).filter((n) => n.includes('.tmp-'))).toEqual([]);
    expect(sha(path.join(out, 'adapter_model.safetensors'))).toBe(sha(path.join(reference, 'adapter_model.safetensors')));
  }, 900_000);

  it('disk full (injected ENOSPC) while writing a checkpoint: exit 2, the file named, the last checkpoint intact and resumable', () => {
    const out = path.join(tmp, 'enospc');
    // The 4th file written into a temporary checkpoint fails: the first checkpoint has been swapped in by then.
    const r = run(trainArgs(out), { NODE_OPTIONS: `--import ${PRELOAD}`, FAULT_PATH: 'checkpoint.tmp-', FAULT_AFTER: '8' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/fish-tune: file '.*checkpoint\.tmp-\d+\/[^']+': could not be written \(ENOSPC: no space left on the device\); the last checkpoint .*checkpoint is intact/);
    expect(r.err).not.toMatch(/\n\s+at /);
    const state = JSON.parse(fs.readFileSync(path.join(out, 'checkpoint', 'trainer_state.json'), 'utf8'));
    expect(state.step).toBeGreaterThan(0);
    const resumed = run([...trainArgs(out), '--resume']);
    expect(resumed.code, resumed.err).toBe(0);
    expect(sha(path.join(out, 'adapter_model.safetensors'))).toBe(sha(path.join(reference, 'adapter_model.safetensors')));
  }, 900_000);

  it('disk full on a real small tmpfs: exit 2 and a message naming the file, never a stack', () => {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) return console.warn('skipped: mounting a tmpfs needs root on Linux (the injected ENOSPC test covers the path)');
    const mount = fs.mkdtempSync(path.join(tmp, 'tmpfs-'));
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=160k', 'tmpfs', mount]).status !== 0) return console.warn('skipped: mount -t tmpfs failed here');
    try {
      const out = path.join(mount, 'run');
      const r = run(trainArgs(out, ['--rank', '8']));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/fish-tune: file '.*' ?.*(could not be written|no space left)/);
      expect(r.err).toMatch(/ENOSPC/);
      expect(r.err).not.toMatch(/\n\s+at /);
    } finally {
      spawnSync('umount', [mount]);
    }
  }, 900_000);

  it('two runs on one --out: the second is refused with exit 2 and the first finishes alone', async () => {
    const out = path.join(tmp, 'concurrent');
    const first = start(trainArgs(out));
    // Wait until the first run holds the directory.
    for (let i = 0; i < 3000 && !(fs.existsSync(out) && fs.readdirSync(out).length); i++) await new Promise((r) => setTimeout(r, 20));
    const second = run(trainArgs(out));
    const firstCode = await new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    expect(firstCode).toBe(0);
    expect(second.code).toBe(2);
    expect(second.err).toMatch(/another run \(pid \d+\)|not empty|--out/);
    expect(sha(path.join(out, 'adapter_model.safetensors'))).toBe(sha(path.join(reference, 'adapter_model.safetensors')));
  }, 900_000);

  it('--resume of a finished run changes nothing and says so', () => {
    const before = new Map(fs.readdirSync(reference).filter((n) => fs.statSync(path.join(reference, n)).isFile()).map((n) => [n, sha(path.join(reference, n))]));
    const r = run([...trainArgs(reference), '--resume']);
    expect(r.code, r.err).toBe(0);
    expect(`${r.out}${r.err}`).toMatch(/finished|nothing to do|already/i);
    for (const [n, h] of before) expect(sha(path.join(reference, n)), n).toBe(h);
  }, 900_000);
  it('--resume with a changed --lr or changed --data content is refused naming each flag; --allow-changed-flags proceeds', () => {
    const out = path.join(tmp, 'changed-flags');
    fs.cpSync(reference, out, { recursive: true });
    const before = sha(path.join(out, 'checkpoint', 'trainer_state.json'));
    const lr = run([...trainArgs(out, ['--lr', '0.01', '--max-steps', '14']), '--resume']);
    expect(lr.code, lr.err).toBe(2);
    expect(lr.err).toContain('--lr 0.001 → 0.01');
    expect(lr.err).toContain('--max-steps 12 → 14');
    expect(lr.err).toContain('--allow-changed-flags');
    expect(lr.err).not.toMatch(/\n\s+at /);
    expect(sha(path.join(out, 'checkpoint', 'trainer_state.json'))).toBe(before);

    const edited = path.join(tmp, 'rows-edited.jsonl');
    const lines = fs.readFileSync(DATA, 'utf8').split('\n');
    lines[0] = lines[1]!;
    fs.writeFileSync(edited, lines.join('\n'));
    const data = run([...trainArgs(out).map((a) => (a === DATA ? edited : a)), '--resume']);
    expect(data.code, data.err).toBe(2);
    expect(data.err).toMatch(/--data sha256:[0-9a-f]{64} → sha256:[0-9a-f]{64}/);

    // Same content under another path is the same data.
    const copy = path.join(tmp, 'rows-copy.jsonl');
    fs.copyFileSync(DATA, copy);
    const same = run([...trainArgs(out).map((a) => (a === DATA ? copy : a)), '--resume']);
    expect(same.code, same.err).toBe(0);

    const allowed = run([...trainArgs(out, ['--lr', '0.01', '--max-steps', '14']), '--resume', '--allow-changed-flags']);
    expect(allowed.code, allowed.err).toBe(0);
    expect(allowed.out).toMatch(/trained 14\/14 steps \(resumed at 12\)/);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'run_options.json'), 'utf8')).options['--lr']).toBe(0.01);
  }, 900_000);

  it('a hand-edited trainer_state.json (step) is refused naming the file and field', () => {
    const out = path.join(tmp, 'edited-state');
    fs.cpSync(reference, out, { recursive: true });
    const file = path.join(out, 'checkpoint', 'trainer_state.json');
    const state = JSON.parse(fs.readFileSync(file, 'utf8'));
    state.step = 5;
    fs.writeFileSync(file, JSON.stringify(state));
    const r = run([...trainArgs(out), '--resume']);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain(file);
    expect(r.err).toMatch(/field 'step' is 5 but optimizer\.updates is 12/);
    expect(r.err).not.toMatch(/\n\s+at /);
  }, 900_000);
});
