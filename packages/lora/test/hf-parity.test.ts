/**
 * LoRA gradients on every architecture of the paper against peft 0.17 + transformers 4.57: the tiny
 * checkpoints of packages/models/test/fixtures carry peft's random A and B (init_lora_weights=False, so
 * every gradient is non-zero) on the attention projections — fused `qkv_proj` (phi3) and `Wqkv`
 * (modernbert) targeted whole, as PEFT does — and d mean(per-example loss)/d A, B. Injected here with this
 * package's injectLora, A and B assigned by their PEFT names, gradients must agree to 1e-4 relative.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, type DecodedTensor, type ModelBatch } from '@fish-tuning/core';
import { readSafetensorsFile } from '@fish-tuning/core/node';
import { loadPretrained } from '@fish-tuning/models';
import { relativeError } from '@fish-tuning/test-utils';
import { injectLora, loraConfig } from '../src/index.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'test', 'fixtures');

/** The peft target_modules the fixture script used. */
const TARGETS: Record<string, string[]> = {
  llama: ['q_proj', 'k_proj', 'v_proj', 'o_proj'],
  qwen2: ['q_proj', 'k_proj', 'v_proj', 'o_proj'],
  phi3: ['qkv_proj', 'o_proj'],
  bert: ['query', 'key', 'value'],
  modernbert: ['Wqkv', 'attn.Wo'],
};

function tensorOf(t: DecodedTensor, dtype: 'float32' | 'int32' = 'float32'): tf.Tensor {
  return tf.tensor(dtype === 'int32' ? Int32Array.from(t.data) : Float32Array.from(t.data), t.shape, dtype);
}

describe.each(Object.keys(TARGETS))('%s: LoRA gradients match peft', (name) => {
  test('every lora_A / lora_B gradient within 1e-4', async () => {
    const dir = path.join(FIXTURES, name);
    const ref = (await readSafetensorsFile(path.join(dir, 'reference.safetensors'))).tensors;
    const { model } = await loadPretrained(dir, { tokenizer: false });
    const config = loraConfig({ r: 4, lora_alpha: 8, lora_dropout: 0, target_modules: TARGETS[name], init_lora_weights: false, modules_to_save: [] }, model); // peft's reference file holds the LoRA tensors only
    const adapter = injectLora(model, config, new Rng(0));
    const params = adapter.trainableParameters();
    expect(params.length).toBe([...ref.keys()].filter((k) => k.startsWith('base_model.')).length);
    adapter.loadStateDict(new Map([...ref].filter(([k]) => k.startsWith('base_model.'))));
    const batch: ModelBatch = { inputIds: tensorOf(ref.get('input_ids')!, 'int32') as tf.Tensor2D, attentionMask: tensorOf(ref.get('attention_mask')!, 'int32') as tf.Tensor2D };
    if (ref.has('labels')) batch.labels = tensorOf(ref.get('labels')!, 'int32');
    if (ref.has('token_type_ids')) batch.tokenTypeIds = tensorOf(ref.get('token_type_ids')!, 'int32') as tf.Tensor2D;
    const { grads } = tf.variableGrads(() => tf.mean(model.perExampleLoss(batch)) as tf.Scalar, params.map((p) => p.variable));
    for (const p of params) {
      const want = ref.get(`grad.${p.name}`);
      expect(want, p.name).toBeDefined();
      const got = await grads[p.variable.name].data();
      expect(relativeError(got as Float32Array, want!.data as Float32Array), p.name).toBeLessThan(1e-4);
    }
    tf.dispose(Object.values(grads));
    tf.dispose(Object.values(batch) as tf.Tensor[]);
    adapter.dispose();
    model.dispose();
  });
});
