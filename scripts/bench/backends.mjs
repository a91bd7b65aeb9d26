#!/usr/bin/env node
/**
 * docs/benchmarks.md in one run: the MiniLM LoRA step, the per-sample Fisher of 128 samples and peak RSS on wasm,
 * tensorflow (native, after `node scripts/setup-native.mjs`) and PyTorch CPU at the same thread count, each backend
 * in its own process, one after the other. Prints the JSON lines and a markdown table.
 *   node scripts/bench/backends.mjs [--threads 1] [--steps 2] [--fisher 128] [--only wasm,tensorflow,pytorch,wasm-stock]
 * PyTorch: the venv in $FISH_PYREF (default ~/.cache/fish-tuning/pyref) with torch, transformers and peft.
 */
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '1' }, steps: { type: 'string', default: '2' }, fisher: { type: 'string', default: '128' }, only: { type: 'string', default: 'wasm,tensorflow,pytorch' } } });
const threads = values.threads;
const common = ['--steps', values.steps, '--fisher', values.fisher];
const threadEnv = { TF_NUM_INTRAOP_THREADS: threads, TF_NUM_INTEROP_THREADS: '1', OMP_NUM_THREADS: threads, MKL_NUM_THREADS: threads };
const python = join(process.env.FISH_PYREF ?? join(homedir(), '.cache', 'fish-tuning', 'pyref'), 'bin', 'python');
const runs = {
  wasm: [process.execPath, ['scripts/bench/run-ts.mjs', 'scripts/bench/minilm-backend.ts', '--backend', 'wasm', ...common]],
  tensorflow: [process.execPath, ['scripts/bench/run-ts.mjs', 'scripts/bench/minilm-backend.ts', '--backend', 'tensorflow', ...common]],
  pytorch: [python, ['scripts/bench/minilm_torch.py', '--threads', threads, ...common]],
  // wasm with tfjs' stock BatchMatMul kernel: what fish-tuning's batched matMul kernel changes in a whole step.
  'wasm-stock': [process.execPath, ['scripts/bench/run-ts.mjs', 'scripts/bench/minilm-backend.ts', '--backend', 'wasm', '--stock-batched-matmul', '--steps', values.steps, '--fisher', '16']],
};
const results = {};
for (const name of values.only.split(',')) {
  const [cmd, args] = runs[name];
  console.error(`running ${name}: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...threadEnv }, maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = (r.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
  if (r.status !== 0 || !line) {
    console.error(`${name} failed (exit ${r.status}); its output is above`);
    continue;
  }
  results[name] = JSON.parse(line);
  console.log(line);
}
const s = (ms) => (ms / 1000).toFixed(2);
const torch = results.pytorch;
console.log(`\n| backend (${threads} thread${threads === '1' ? '' : 's'}) | step CPU s | step wall s | CPU × PyTorch | Fisher ${values.fisher} CPU s | Fisher wall s | Fisher CPU × PyTorch | FISH-1 % / vanilla step (CPU) | peak RSS MiB |`);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const [name, r] of Object.entries(results)) {
  const vsT = (x, y) => (torch ? (x / y).toFixed(2) : 'n/a');
  const fisherCells = r.fisher.samples === Number(values.fisher) ? `${s(r.fisher.cpuMs)} | ${s(r.fisher.wallMs)} | ${name === 'pytorch' ? '1.00' : vsT(r.fisher.cpuMs, torch?.fisher.cpuMs)}` : '— | — | —';
  console.log(`| ${r.device} | ${s(r.step.cpuMs)} | ${s(r.step.wallMs)} | ${name === 'pytorch' ? '1.00' : vsT(r.step.cpuMs, torch?.step.cpuMs)} | ${fisherCells} | ${r.fishOverVanillaCpu ? r.fishOverVanillaCpu.toFixed(3) : '—'} | ${r.peakRssMiB.toFixed(0)} |`);
}
