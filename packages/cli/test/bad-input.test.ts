/**
 * Bad input, by class (issue 15): each is refused with exit code 2 and a one-line message naming the
 * file, line, tensor or flag — never a stack trace, never a finished run with a meaningless number.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { getTuner, Rng } from '@fish-tuning/core';
import { saveAdapter } from '@fish-tuning/core/node';
import { hasShared, sharedPath } from '@fish-tuning/test-utils';
import { ensureTuners } from '../src/adapter-loading.js';
import { loadTargetModel } from '../src/model-loading.js';
import { cli } from './run.js';

const MODEL = sharedPath('models', 'stories260K');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-'));
const rowsFile = (name: string, rows: unknown[]) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return f;
};
const GOOD = rowsFile('good.jsonl', [{ input_ids: [1, 45, 300, 12] }, { input_ids: [1, 9, 410, 33, 7] }]);

/** A refused run: exit code 2, one `fish-tune:` line, no stack frames. */
function expectRefused(r: { code: number; err: string }, ...patterns: RegExp[]): void {
  expect(r.code, r.err).toBe(2);
  expect(r.err).toMatch(/^fish-tune: /);
  expect(r.err).not.toMatch(/\n\s+at /);
  for (const p of patterns) expect(r.err).toMatch(p);
}

/** A LoRA adapter saved by the library for stories260K (tensors moved off their init). */
async function savedLora(): Promise<string> {
  ensureTuners();
  const { model } = await loadTargetModel(MODEL, { seed: 0 });
  const t = getTuner('lora');
  const adapter = t.inject(model, t.config({ r: 2, target_modules: ['q_proj', 'v_proj'] }, model), new Rng(1));
  for (const p of adapter.trainableParameters()) p.variable.assign(tf.randomNormal(p.variable.shape, 0, 0.1, 'float32', 3));
  const dir = fs.mkdtempSync(path.join(tmp, 'lora-'));
  await saveAdapter(dir, adapter);
  adapter.dispose();
  model.dispose();
  return dir;
}

function copyDir(from: string): string {
  const to = fs.mkdtempSync(path.join(tmp, 'copy-'));
  for (const n of fs.readdirSync(from)) fs.copyFileSync(path.join(from, n), path.join(to, n));
  return to;
}

describe.skipIf(!hasShared('models', 'stories260K'))('bad input, by class', () => {
  let lora = '';
  beforeAll(async () => {
    lora = await savedLora();
    const ok = await cli(['eval', '--model', MODEL, '--init-adapter', lora, '--data', GOOD, '--json']);
    expect(ok.code, ok.err).toBe(0);
  }, 300_000);

  it('checkpoint structure: a safetensors header whose offsets overlap names the file and the tensor', async () => {
    const dir = copyDir(lora);
    const file = path.join(dir, 'adapter_model.safetensors');
    const bytes = fs.readFileSync(file);
    const n = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
    const names = Object.keys(header).filter((k) => k !== '__metadata__');
    // Point the second tensor at the first one's bytes (same size: both lora_A of [2, 64]).
    const [a, b] = names.filter((k) => k.endsWith('lora_A.weight'));
    header[b].data_offsets = header[a].data_offsets;
    const text = Buffer.from(JSON.stringify(header).padEnd(n, ' '));
    fs.writeFileSync(file, Buffer.concat([bytes.subarray(0, 8), text, bytes.subarray(8 + n)]));
    const r = await cli(['eval', '--model', MODEL, '--init-adapter', dir, '--data', GOOD]);
    expectRefused(r, /adapter_model\.safetensors/, /tensor '.*lora_A\.weight'.*(overlaps|gap)/);
  });

  it('loaded tensors: NaN in an adapter weight names the tensor', async () => {
    const dir = copyDir(lora);
    const file = path.join(dir, 'adapter_model.safetensors');
    const bytes = fs.readFileSync(file);
    const n = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
    const name = Object.keys(header).find((k) => k.endsWith('lora_B.weight'))!;
    bytes.writeFloatLE(NaN, 8 + n + header[name].data_offsets[0] + 4);
    fs.writeFileSync(file, bytes);
    const r = await cli(['eval', '--model', MODEL, '--init-adapter', dir, '--data', GOOD]);
    expectRefused(r, new RegExp(`tensor '${name.replace(/\./g, '\\.')}'.*non-finite value.*NaN at flat index 1`));
  });

  it('data values: a token id outside the vocabulary names the file and line (never reaches GatherV2)', async () => {
    const bad = rowsFile('oov.jsonl', [{ input_ids: [1, 2, 3] }, { input_ids: [1, 512, 3] }]);
    for (const args of [
      ['eval', '--model', MODEL, '--data', bad],
      ['fisher', '--model', MODEL, '--method', 'lora', '--data', bad, '--samples', '2', '--out', path.join(tmp, 'f.safetensors')],
    ]) {
      expectRefused(await cli(args), /oov\.jsonl/, /line 2: input_ids\[1\] = 512 is not a token id of this model's vocabulary \[0, 512\)/, /option 'input_ids'/);
    }
    const ignored = rowsFile('ignored.jsonl', [{ input_ids: [1, 2, 3], labels: [1, -100, -100] }]);
    expectRefused(await cli(['eval', '--model', MODEL, '--data', ignored]), /ignored\.jsonl.*line 1: every label is ignored/);
    const mask = rowsFile('mask.jsonl', [{ input_ids: [1, 2, 3], attention_mask: [1, 2, 1] }]);
    expectRefused(await cli(['eval', '--model', MODEL, '--data', mask]), /mask\.jsonl.*attention_mask\[1\] = 2/);
  });

  it('options: --num-labels on a decoder and a non-Fisher file given to mask --fisher name the flag', async () => {
    expectRefused(await cli(['fisher', '--model', MODEL, '--method', 'lora', '--num-labels', '3', '--data', GOOD, '--out', path.join(tmp, 'x.safetensors')]), /option '--num-labels'.*decoder/);
    const r = await cli(['mask', '--fisher', path.join(lora, 'adapter_model.safetensors'), '--ratio', '0.1', '--out', path.join(tmp, 'm.safetensors')]);
    expectRefused(r, /adapter_model\.safetensors/, /option '--fisher'.*not a fisher file \(its metadata has format 'pt' and no fish_kind/);
  });

  it('PEFT configs: a prototype name as peft_type, layer_replication and a Python-only regex are refused by name', async () => {
    const edit = (change: (c: Record<string, unknown>) => void) => {
      const dir = copyDir(lora);
      const f = path.join(dir, 'adapter_config.json');
      const c = JSON.parse(fs.readFileSync(f, 'utf8'));
      change(c);
      fs.writeFileSync(f, JSON.stringify(c));
      return dir;
    };
    const proto = edit((c) => (c.peft_type = 'constructor'));
    expectRefused(await cli(['eval', '--model', MODEL, '--init-adapter', proto, '--data', GOOD]), /adapter_config\.json/, /constructor/);
    const replicated = edit((c) => {
      c.layer_replication = [[0, 2], [1, 2]];
      c.layers_to_transform = [1];
    });
    expectRefused(await cli(['eval', '--model', MODEL, '--init-adapter', replicated, '--data', GOOD]), /adapter_config\.json/, /option 'layer_replication'.*repeats base-model layers/);
    const alora = edit((c) => (c.alora_invocation_tokens = [5, 6]));
    expectRefused(await cli(['eval', '--model', MODEL, '--init-adapter', alora, '--data', GOOD]), /option 'alora_invocation_tokens'/);
    const regex = edit((c) => (c.target_modules = '(?x) .*q_proj'));
    expectRefused(await cli(['eval', '--model', MODEL, '--init-adapter', regex, '--data', GOOD]), /option '(--targets|target_modules)'.*verbose mode/);
  });

  it('training: SGD with a huge learning rate stops, naming the step, and the checkpoint on disk stays finite', async () => {
    const data = rowsFile('train.jsonl', Array.from({ length: 8 }, (_, i) => ({ input_ids: [1, 10 + i, 20 + i, 30 + i, 40 + i] })));
    const out = path.join(tmp, 'diverge');
    const r = await cli(['train', '--model', MODEL, '--data', data, '--method', 'lora', '--rank', '2', '--select', 'none', '--optimizer', 'sgd', '--lr', '1e30', '--max-steps', '6', '--batch-size', '2', '--checkpoint-every', '1', '--no-progress', '--out', out]);
    expectRefused(r, /step \d+: a parameter after the update \(learning rate .* too high\?\) (diverged|is not finite).*; training stopped, the last checkpoint is kept/);
    const ckpt = path.join(out, 'checkpoint', 'trainable.safetensors');
    if (fs.existsSync(ckpt)) {
      const { readSafetensorsFile } = await import('@fish-tuning/core/node');
      for (const [name, t] of (await readSafetensorsFile(ckpt)).tensors) expect(Array.from(t.data).every(Number.isFinite), name).toBe(true);
    }
  });
});
