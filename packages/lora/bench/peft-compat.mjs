// (imports the packages' built dist/ by relative path, so it runs with plain node)
// Cross-check with Python PEFT: fish-tuning saves LoRA / DoRA / PiSSA adapters for stories260K, `fish-tune eval`
// measures their loss, and Hugging Face PEFT (PeftModel.from_pretrained on a transformers Llama built from the
// same checkpoint) measures it again. Needs built packages (`pnpm turbo run build --filter=@fish-tuning/cli...`)
// and a Python with peft + transformers: PEFT_PYTHON=/path/to/python node packages/lora/bench/peft-compat.mjs
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../core/dist/index.js';
import { saveAdapter } from '../../core/dist/node-entry.js';
import { loadLlama2c } from '../../models/dist/index.js';
import { loraTuner } from '../dist/index.js';
import { doraTuner } from '../../dora/dist/index.js';
import { runCli } from '../../cli/dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const modelDir = path.resolve(here, '../../../../shared/models/stories260K');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'peft-compat-'));
const ALL = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];

const { ready } = await import('../../backend-wasm/dist/index.js');
await ready();
await tf.setBackend('wasm');
const { model, tokenizer } = await loadLlama2c(modelDir);
const setups = {
  lora: [loraTuner, { r: 4, lora_alpha: 8, target_modules: ALL, layers: 'top:3', init_lora_weights: false }],
  rslora: [loraTuner, { r: 4, lora_alpha: 8, target_modules: ['q_proj', 'v_proj'], use_rslora: true, init_lora_weights: false }],
  dora: [doraTuner, { r: 2, lora_alpha: 4, target_modules: ['q_proj', 'v_proj', 'down_proj'], init_lora_weights: false }],
  pissa: [loraTuner, { r: 2, lora_alpha: 2, target_modules: ['q_proj', 'o_proj', 'up_proj'], init_lora_weights: 'pissa' }],
};
let seed = 1;
for (const [name, [tuner, options]] of Object.entries(setups)) {
  const adapter = tuner.inject(model, tuner.config(options, model), new Rng(seed++));
  const rng = new Rng(seed++);
  // Move every tensor off its init (halve random A/B, jitter magnitudes, nudge PiSSA factors).
  for (const p of adapter.trainableParameters()) {
    const noise = tf.tensor(Float32Array.from({ length: p.variable.size }, () => rng.normal()), p.variable.shape);
    p.variable.assign(tf.tidy(() => (p.role === 'lora_magnitude_vector' ? tf.mul(p.variable, tf.add(1, tf.mul(noise, 0.2))) : tf.add(tf.mul(p.variable, 0.5), tf.mul(noise, 0.05)))));
    noise.dispose();
  }
  await saveAdapter(path.join(tmp, name), adapter);
  adapter.dispose();
}
model.dispose();

const rows = [
  [1, ...tokenizer.encode('Once upon a time, there was a little girl named Lily. She loved to play outside in the park.')],
  [1, ...tokenizer.encode('The cat sat on the mat and looked at the big red ball.')],
  [1, ...tokenizer.encode('Tom and Sue went to the shop.')],
].map((ids, i) => (i === 1 ? { input_ids: ids, labels: ids.map((t, j) => (j < 4 ? -100 : t)) } : { input_ids: ids }));
const rowsFile = path.join(tmp, 'rows.jsonl');
fs.writeFileSync(rowsFile, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

const ours = {};
for (const name of ['base', ...Object.keys(setups)]) {
  let out = '';
  const argv = ['eval', '--model', modelDir, '--data', rowsFile, '--json', ...(name === 'base' ? [] : ['--init-adapter', path.join(tmp, name)])];
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => process.stderr.write(t) });
  if (code !== 0) throw new Error(`eval ${name} failed (${code})`);
  ours[name] = JSON.parse(out);
}
const py = spawnSync(process.env.PEFT_PYTHON ?? 'python3', [path.join(here, 'peft-compat.py'), modelDir, rowsFile, ...Object.keys(setups).map((n) => `${n}=${path.join(tmp, n)}`)], { encoding: 'utf8' });
if (py.status !== 0) throw new Error(py.stderr);
const peft = JSON.parse(py.stdout.trim().split('\n').pop());
console.log('| adapter | fish-tuning mean loss | PEFT mean loss | |diff| | fish-tuning token loss | PEFT token loss | |diff| |');
console.log('|---|---|---|---|---|---|---|');
for (const name of Object.keys(ours)) {
  const a = ours[name];
  const b = peft[name];
  console.log(`| ${name} | ${a.mean_loss.toFixed(6)} | ${b.mean_loss.toFixed(6)} | ${Math.abs(a.mean_loss - b.mean_loss).toExponential(1)} | ${a.token_loss.toFixed(6)} | ${b.token_loss.toFixed(6)} | ${Math.abs(a.token_loss - b.token_loss).toExponential(1)} |`);
}
fs.rmSync(tmp, { recursive: true, force: true });
