/**
 * `fish-tune merge`: the merged Hugging Face model, loaded without any adapter, gives the logits of the
 * base model with the adapter (LoRA, DoRA, PiSSA, (IA)^3 with a saved head); methods that cannot be
 * folded into weights are refused with the reason, exit code 2 and no output written.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { getTuner, Rng, type PeftAdapter, type PeftTargetModel } from '@fish-tuning/core';
import { saveAdapter } from '@fish-tuning/core/node';
import { createBert, saveHfBert, type BertForSequenceClassification } from '@fish-tuning/models';
import { hasShared, interpreterHas, pyrefPython, runPython, sharedPath } from '@fish-tuning/test-utils';
import { ensureTuners, loadAdapterDir } from '../src/adapter-loading.js';
import { loadTargetModel } from '../src/model-loading.js';
import { cli } from './run.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-'));
const STORIES = sharedPath('models', 'stories260K');

function perturb(adapter: PeftAdapter, model: PeftTargetModel, seed: number): void {
  [...adapter.trainableParameters(), ...model.headParameters()].forEach((p, i) => {
    const next = tf.tidy(() => tf.add(p.variable, tf.mul(tf.randomNormal(p.variable.shape, 0, 1, 'float32', seed + i), tf.add(tf.mean(tf.abs(p.variable)), 0.1).mul(0.1))));
    p.variable.assign(next);
    next.dispose();
  });
}

async function logitsOf(model: PeftTargetModel, ids: number[][]): Promise<Float32Array> {
  const inputIds = tf.tensor2d(ids, undefined, 'int32');
  const out = model.logits({ inputIds, attentionMask: tf.onesLike(inputIds) as tf.Tensor2D });
  const data = (await out.data()) as Float32Array;
  tf.dispose([inputIds, out]);
  return data;
}

function relative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** Makes, perturbs and saves an adapter; returns its dir and the logits of base + adapter. */
async function adapterAndLogits(modelDir: string, tuner: string, options: Record<string, unknown>, ids: number[][], loadOptions: { numLabels?: number } = {}) {
  ensureTuners();
  const { model } = await loadTargetModel(modelDir, { seed: 0, ...loadOptions });
  const t = getTuner(tuner);
  const adapter = t.inject(model, t.config(options, model), new Rng(4));
  perturb(adapter, model, 11);
  const dir = fs.mkdtempSync(path.join(tmp, `${tuner}-`));
  await saveAdapter(dir, adapter);
  const logits = await logitsOf(model, ids);
  adapter.dispose();
  model.dispose();
  return { dir, logits };
}

describe.skipIf(!hasShared('models', 'stories260K'))('fish-tune merge (stories260K)', () => {
  const ids = [[1, 45, 300, 12, 77, 9, 410, 33]];
  const cases: Array<[string, string, Record<string, unknown>]> = [
    ['lora', 'lora', { r: 4, lora_alpha: 8, target_modules: ['q_proj', 'v_proj', 'down_proj'] }],
    ['dora', 'dora', { r: 4, lora_alpha: 8, target_modules: ['q_proj', 'v_proj'] }],
    ['pissa', 'lora', { r: 4, lora_alpha: 8, target_modules: ['q_proj', 'o_proj'], init_lora_weights: 'pissa' }],
    ['ia3', 'ia3', {}],
  ];
  for (const [label, tuner, options] of cases) {
    it(`${label}: the merged model alone gives the logits of base + adapter (≤1e-5 relative)`, async () => {
      const { dir, logits } = await adapterAndLogits(STORIES, tuner, options, ids);
      const out = path.join(tmp, `merged-${label}`);
      const r = await cli(['merge', '--model', STORIES, '--adapter', dir, '--out', out]);
      expect(r.code, r.err).toBe(0);
      expect(fs.existsSync(path.join(out, 'config.json'))).toBe(true);
      const { model } = await loadTargetModel(out, { seed: 0 });
      const merged = await logitsOf(model, ids);
      model.dispose();
      expect(relative(merged, logits)).toBeLessThanOrEqual(1e-5);
      // And the base alone differs, so the comparison can fail.
      const { model: base } = await loadTargetModel(STORIES, { seed: 0 });
      expect(relative(await logitsOf(base, ids), logits)).toBeGreaterThan(1e-3);
      base.dispose();

      const python = pyrefPython();
      if (label === 'lora' && python && interpreterHas(python, 'transformers', 'torch')) {
        const ref = runPython<{ logits: number[] }>(
          `
import torch
from transformers import LlamaForCausalLM
m = LlamaForCausalLM.from_pretrained(INPUT["dir"], torch_dtype=torch.float32).eval()
with torch.no_grad():
    print(json.dumps({"logits": m(input_ids=torch.tensor(INPUT["ids"])).logits.double().reshape(-1).tolist()}))
`,
          { dir: out, ids },
          600_000,
          python,
        );
        expect(relative(merged, ref.logits)).toBeLessThanOrEqual(1e-5);
      }
    });
  }

  for (const [tuner, options, type] of [
    ['prefix', { num_virtual_tokens: 3 }, 'PREFIX_TUNING.*virtual key/value tokens'],
    ['adapter', {}, 'FISH_ADAPTER.*bottleneck'],
    ['unipelt', {}, 'FISH_UNIPELT.*gated'],
  ] as const) {
    it(`${tuner}: refused with the reason, exit 2, nothing written`, async () => {
      const { dir } = await adapterAndLogits(STORIES, tuner, options, ids);
      const out = path.join(tmp, `refused-${tuner}`);
      const r = await cli(['merge', '--model', STORIES, '--adapter', dir, '--out', out]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`adapter_config\\.json.*--adapter.*cannot merge a ${type}`));
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(fs.existsSync(out)).toBe(false);
    });
  }

  it('refuses a non-empty --out', async () => {
    const out = fs.mkdtempSync(path.join(tmp, 'full-'));
    fs.writeFileSync(path.join(out, 'keep.txt'), 'x');
    const r = await cli(['merge', '--model', STORIES, '--adapter', out, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out.*not an empty directory/);
    expect(fs.readFileSync(path.join(out, 'keep.txt'), 'utf8')).toBe('x');
  });
});

describe('fish-tune merge (BERT classifier, (IA)^3 with a saved head)', () => {
  it('the merged model, head included, gives the logits of base + adapter', async () => {
    const base = createBert({ vocab_size: 40, hidden_size: 16, intermediate_size: 24, num_hidden_layers: 2, num_attention_heads: 4, max_position_embeddings: 64, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 }, 7, { numLabels: 3 }) as BertForSequenceClassification;
    const modelDir = fs.mkdtempSync(path.join(tmp, 'bert-'));
    await saveHfBert(base, modelDir);
    base.dispose();
    const ids = [[2, 5, 9, 3, 7]];
    const { dir, logits } = await adapterAndLogits(modelDir, 'ia3', {}, ids, { numLabels: 3 });
    const out = path.join(tmp, 'merged-bert');
    const r = await cli(['merge', '--model', modelDir, '--adapter', dir, '--out', out]);
    expect(r.code, r.err).toBe(0);
    const { model } = await loadTargetModel(out, { seed: 99 });
    expect(relative(await logitsOf(model, ids), logits)).toBeLessThanOrEqual(1e-5);
    model.dispose();
    // Loading the adapter onto the base again still works (the merge did not touch the inputs).
    const again = await loadTargetModel(modelDir, { seed: 0, numLabels: 3 });
    const adapter = await loadAdapterDir(again.model, dir);
    expect(relative(await logitsOf(again.model, ids), logits)).toBeLessThanOrEqual(1e-6);
    adapter.dispose();
    again.model.dispose();
  });
});
