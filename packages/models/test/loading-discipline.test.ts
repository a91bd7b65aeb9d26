/**
 * The loading discipline, by class: every checkpoint tensor used or on a documented ignore list, every
 * needed tensor present and shaped as config.json says, non-finite weights refused, every config field
 * that changes the math implemented or refused by name (type and range too), unknown model_type refused
 * with the supported list. Each case starts from a committed transformers fixture and changes one thing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, type DecodedTensor } from '@fish-tuning/core';
import { readSafetensorsFile, writeSafetensorsFile } from '@fish-tuning/core/node';
import { loadPretrained, SUPPORTED_MODEL_TYPES } from '../src/index.js';
import { fixtureDir, reference, refTensor, relativeError } from './fixtures.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'discipline-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;

/** A copy of fixture `name` with `edit` applied to config.json and/or the single model.safetensors. */
async function variant(
  name: string,
  edit: { config?: (c: Record<string, unknown>) => Record<string, unknown>; tensors?: (t: Map<string, DecodedTensor>) => void; dtype?: 'F32' | 'F16' },
): Promise<string> {
  const dir = path.join(tmp, `${name}-${n++}`);
  fs.cpSync(fixtureDir(name), dir, { recursive: true });
  if (edit.config) {
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, JSON.stringify(edit.config(JSON.parse(fs.readFileSync(file, 'utf8')))));
  }
  if (edit.tensors || edit.dtype) {
    const file = path.join(dir, 'model.safetensors');
    const { tensors } = await readSafetensorsFile(file);
    edit.tensors?.(tensors);
    await writeSafetensorsFile(file, new Map([...tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data as Float32Array, dtype: edit.dtype ?? ('F32' as const) }])));
  }
  return dir;
}

async function refusal(dir: string): Promise<FishTuningError> {
  const e = await loadPretrained(dir, { tokenizer: false }).then(
    (m) => {
      m.model.dispose();
      return null;
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FishTuningError);
  return e as FishTuningError;
}

describe('checkpoint tensors', () => {
  test.each(['llama', 'phi3', 'bert', 'modernbert'])('%s: an extra unknown tensor is refused naming file and tensor', async (name) => {
    const dir = await variant(name, { tensors: (t) => t.set('model.layers.0.self_attn.extra_proj.weight', { dtype: 'F32', shape: [2, 2], data: new Float32Array(4) }) });
    const e = await refusal(dir);
    expect(e.tensor).toBe('model.layers.0.self_attn.extra_proj.weight');
    expect(e.file).toBe(path.join(dir, 'model.safetensors'));
    expect(e.message).toMatch(/unknown tensor/);
  });

  test('qwen2 (sharded): a bias the config does not expect — the old silent mis-load — is refused; a missing bias too', async () => {
    // A llama config over qwen2 weights: transformers' llama has no q/k/v biases, so they are unknown here.
    const asLlama = await variant('qwen2', { config: (c) => ({ ...c, model_type: 'llama' }) });
    const e = await refusal(asLlama);
    expect(e.tensor).toMatch(/^model\.layers\.0\.self_attn\.[qkv]_proj\.bias$/);
    expect(e.file).toMatch(/model-0000\d-of-00003\.safetensors$/);
    // A llama config asking for biases over weights that lack o_proj's.
    const withBias = await variant('llama', { config: (c) => ({ ...c, attention_bias: true }) });
    const e2 = await refusal(withBias);
    expect(e2.tensor).toBe('model.layers.0.self_attn.q_proj.bias');
    expect(e2.message).toMatch(/missing tensor/);
  });

  test('config.json disagreeing with the weights: fewer layers, more layers, another hidden size', async () => {
    const fewer = await refusal(await variant('phi3', { config: (c) => ({ ...c, num_hidden_layers: 1 }) }));
    expect(fewer.message).toMatch(/num_hidden_layers is 1 but the checkpoint has layer 1/);
    const more = await refusal(await variant('modernbert', { config: (c) => ({ ...c, num_hidden_layers: 4 }) }));
    expect(more.tensor).toBe('model.layers.3.attn_norm.weight');
    const wider = await refusal(await variant('llama', { config: (c) => ({ ...c, intermediate_size: 64 }) }));
    expect(wider.tensor).toBe('model.layers.0.mlp.gate_proj.weight');
    expect(wider.message).toMatch(/\[96,64\] does not match the expected \[64,64\].*intermediate_size/);
  });

  test.each(['qwen2', 'bert', 'modernbert'])('%s: NaN or Inf in a weight is refused naming the tensor', async (name) => {
    const dir = path.join(tmp, `${name}-nan-${n++}`);
    fs.cpSync(fixtureDir(name), dir, { recursive: true });
    // Poison one tensor in whichever file holds it (qwen2 is sharded).
    const files = fs.readdirSync(dir).filter((f) => /^model.*\.safetensors$/.test(f));
    const file = path.join(dir, files[files.length - 1]);
    const { tensors } = await readSafetensorsFile(file);
    const victim = [...tensors.keys()].find((k) => k.endsWith('.weight') && !k.startsWith('classifier'))!;
    (tensors.get(victim)!.data as Float32Array)[3] = name === 'bert' ? Infinity : NaN;
    await writeSafetensorsFile(file, new Map([...tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data as Float32Array, dtype: 'F32' as const }])));
    const e = await refusal(dir);
    expect(e.tensor).toBe(victim);
    expect(e.message).toMatch(/non-finite value \((NaN|Infinity)\) at flat index 3/);
  });

  test('a tied model whose checkpoint holds a different lm_head is refused; rotary inv_freq buffers are ignored', async () => {
    const e = await refusal(await variant('llama', { tensors: (t) => t.set('lm_head.weight', { dtype: 'F32', shape: [128, 64], data: new Float32Array(128 * 64).fill(0.5) }) }));
    expect(e.message).toMatch(/tie_word_embeddings is true but lm_head.weight differs/);
    const buffers = await variant('llama', { tensors: (t) => t.set('model.layers.0.self_attn.rotary_emb.inv_freq', { dtype: 'F32', shape: [12], data: new Float32Array(12).fill(1) }) });
    const loaded = await loadPretrained(buffers, { tokenizer: false });
    loaded.model.dispose();
  });

  test('F16 weights load as f32 (within half precision of the reference)', async () => {
    const dir = await variant('qwen2', {});
    // Rewrite every shard as F16.
    for (const f of fs.readdirSync(dir).filter((x) => /^model-.*\.safetensors$/.test(x))) {
      const file = path.join(dir, f);
      const { tensors } = await readSafetensorsFile(file);
      await writeSafetensorsFile(file, new Map([...tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data as Float32Array, dtype: 'F16' as const }])));
    }
    const { model } = await loadPretrained(dir, { tokenizer: false });
    const ref = await reference('qwen2');
    const ids = refTensor(ref, 'input_ids', 'int32') as tf.Tensor2D;
    const row = tf.slice(ids, [0, 0], [1, ids.shape[1]]) as tf.Tensor2D;
    const logits = model.logits({ inputIds: row });
    const want = (ref.get('logits')!.data as Float32Array).slice(0, logits.size);
    expect(relativeError((await logits.data()) as Float32Array, want)).toBeLessThan(2e-2);
    tf.dispose([ids, row, logits]);
    model.dispose();
  });
});

describe('config fields', () => {
  test.each([
    ['llama', { rope_scaling: { rope_type: 'yarn', factor: 4 } }, 'rope_scaling', /rope_scaling type "yarn" is not supported for llama \(supported: default, llama3\)/],
    ['qwen2', { use_sliding_window: true }, 'use_sliding_window', /not supported for qwen2/],
    ['phi3', { rope_scaling: { type: 'longrope', short_factor: [1, 2], long_factor: [1, 2] } }, 'rope_scaling.short_factor', /list of 6 positive numbers/],
    ['phi3', { resid_pdrop: 0.1 }, 'resid_pdrop', /not supported/],
    ['llama', { hidden_act: 'gelu' }, 'hidden_act', /"gelu" is not supported/],
    ['llama', { rms_norm_eps: -1e-5 }, 'rms_norm_eps', /must be a number > 0, got -0.00001/],
    ['qwen2', { rope_theta: 'big' }, 'rope_theta', /must be a number > 0, got "big"/],
    ['llama', { num_key_value_heads: 3 }, 'num_key_value_heads', /not divisible/],
    ['llama', { tie_word_embeddings: 'yes' }, 'tie_word_embeddings', /must be true or false/],
    ['phi3', { partial_rotary_factor: 1.5 }, 'partial_rotary_factor', /in \(0, 1\]/],
    ['modernbert', { classifier_pooling: 'max' }, 'classifier_pooling', /supported: "cls", "mean"/],
    ['modernbert', { norm_eps: 0 }, 'norm_eps', /> 0/],
    ['modernbert', { mlp_dropout: 0.1 }, 'mlp_dropout', /not supported/],
    ['modernbert', { global_attn_every_n_layers: 0 }, 'global_attn_every_n_layers', /integer ≥ 1/],
    ['bert', { layer_norm_eps: 'x' }, 'layer_norm_eps', /must be > 0/],
  ] as const)('%s with %j is refused naming the field', async (name, change, field, message) => {
    const e = await refusal(await variant(name, { config: (c) => ({ ...c, ...change }) }));
    expect(e.option).toBe(field);
    expect(e.file).toMatch(/config\.json$/);
    expect(e.message).toMatch(message);
  });

  test('an unknown model_type lists the supported ones; prototype names are not model types', async () => {
    for (const type of ['gpt2', 'constructor', '__proto__']) {
      const e = await refusal(await variant('llama', { config: (c) => ({ ...c, model_type: type }) }));
      expect(e.option).toBe('model_type');
      expect(e.message).toContain(`supported: ${SUPPORTED_MODEL_TYPES.join(', ')}`);
    }
  });
});
