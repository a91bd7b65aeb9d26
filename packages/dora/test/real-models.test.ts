/** DoRA must-show properties on stories260K (llama2.c) and a random small BERT. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, withParamOverrides, type ModelBatch } from '@fish-tuning/core';
import { createBert, loadLlama2c } from '@fish-tuning/models';
import { expectAllClose, hasShared, sharedPath } from '@fish-tuning/test-utils';
import { mergeLora, unmergeLora } from '@fish-tuning/lora';
import { doraConfig, injectDora } from '../src/index.js';

function read(t: tf.Tensor): Float32Array {
  const d = Float32Array.from(t.dataSync());
  t.dispose();
  return d;
}

describe.skipIf(!hasShared('models', 'stories260K'))('DoRA on stories260K', () => {
  it('m = row norms leaves the logits unchanged; per-sample copies give the shared losses; merge keeps the logits', async () => {
    const { model } = await loadLlama2c(sharedPath('models', 'stories260K'));
    const batch: ModelBatch = {
      inputIds: tf.tensor2d([[1, 403, 407, 261, 378], [1, 20, 30, 0, 0]], [2, 5], 'int32'),
      attentionMask: tf.tensor2d([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], [2, 5], 'int32'),
    };
    const base = read(model.logits(batch));
    const n = tf.memory().numTensors;
    const adapter = injectDora(model, doraConfig({ r: 2, lora_alpha: 4, target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] }, model), new Rng(1));
    expectAllClose(read(model.logits(batch)), base, 1e-5, 1e-5, 'logits at DoRA init');

    const params = adapter.trainableParameters();
    expect(params.filter((p) => p.role === 'lora_magnitude_vector')).toHaveLength(35);
    tf.tidy(() => params.forEach((p) => p.variable.assign(tf.add(p.variable, tf.mul(tf.randomNormal(p.variable.shape, 0, 1, 'float32', 2), 0.05)))));
    const shared = read(model.perExampleLoss(batch));
    const table = new Map(params.map((p) => [p.variable, tf.tidy(() => tf.tile(tf.expandDims(p.variable, 0), [2, ...p.variable.shape.map(() => 1)]))] as [tf.Variable, tf.Tensor]));
    expectAllClose(read(withParamOverrides(table, () => model.perExampleLoss(batch))), shared, 1e-5, 1e-6, 'per-sample DoRA losses');
    for (const t of table.values()) t.dispose();

    const trained = read(model.logits(batch));
    mergeLora(adapter);
    expectAllClose(read(model.logits(batch)), trained, 1e-5, 1e-4, 'merged DoRA logits');
    unmergeLora(adapter);
    adapter.dispose();
    expect(tf.memory().numTensors).toBe(n);
    model.dispose();
  });
});

describe('DoRA on a random small BERT', () => {
  it('leaves the classifier logits unchanged at init', () => {
    const model = createBert({ vocab_size: 50, hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 32 }, 2);
    const batch: ModelBatch = { inputIds: tf.tensor2d([[2, 5, 7, 9]], [1, 4], 'int32') };
    const base = read(model.logits(batch));
    const adapter = injectDora(model, doraConfig({ r: 2, target_modules: ['query', 'value', 'dense'], layers: 'top:1' }, model), new Rng(1));
    expect(adapter.targetedModules).toEqual([
      'bert.encoder.layer.1.attention.self.query',
      'bert.encoder.layer.1.attention.self.value',
      'bert.encoder.layer.1.attention.output.dense',
      'bert.encoder.layer.1.intermediate.dense',
      'bert.encoder.layer.1.output.dense',
    ]);
    expectAllClose(read(model.logits(batch)), base, 1e-5, 1e-6, 'BERT logits at DoRA init');
    adapter.dispose();
    model.dispose();
  });
});
