/** The must-show properties on the real models: stories260K (llama2.c) and a random small BERT. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, withParamOverrides, ADAPTER_WEIGHTS_NAME, type ModelBatch } from '@fish-tuning/core';
import { readSafetensorsFile } from '@fish-tuning/core/node';
import { createBert, loadLlama2c, type LlamaForCausalLM } from '@fish-tuning/models';
import { expectAllClose, hasShared, sharedPath } from '@fish-tuning/test-utils';
import { injectLora, loraConfig, mergeLora, unmergeLora } from '../src/index.js';
import { loadLoraAdapter, saveLoraAdapter } from '../src/node.js';

const ALL = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lora-real-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Reads and frees a tensor (so tensor counts stay meaningful). */
function read(t: tf.Tensor): Float32Array {
  const d = Float32Array.from(t.dataSync());
  t.dispose();
  return d;
}

function llamaBatch(): ModelBatch {
  return {
    inputIds: tf.tensor2d([[1, 403, 407, 261, 378, 436], [1, 20, 30, 40, 0, 0]], [2, 6], 'int32'),
    attentionMask: tf.tensor2d([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]], [2, 6], 'int32'),
  };
}

describe.skipIf(!hasShared('models', 'stories260K'))('LoRA on stories260K', () => {
  let model: LlamaForCausalLM;
  let batch: ModelBatch;
  let base: Float32Array;
  beforeAll(async () => {
    model = (await loadLlama2c(sharedPath('models', 'stories260K'))).model;
    batch = llamaBatch();
    base = read(model.logits(batch)) as Float32Array;
  });
  afterAll(() => model.dispose());

  it('default init (B = 0) leaves the logits unchanged; dispose restores the model', () => {
    const n = tf.memory().numTensors;
    const adapter = injectLora(model, loraConfig({ r: 4, lora_alpha: 8, target_modules: ALL }, model), new Rng(1));
    expect(adapter.targetedModules).toHaveLength(35);
    expectAllClose(read(model.logits(batch)), base, 0, 0, 'logits with B = 0');
    adapter.dispose();
    expect(tf.memory().numTensors).toBe(n);
  });

  it('PiSSA init leaves the logits unchanged (≤1e-4)', () => {
    const adapter = injectLora(model, loraConfig({ r: 4, lora_alpha: 8, target_modules: ALL, init_lora_weights: 'pissa' }, model), new Rng(1));
    expectAllClose(read(model.logits(batch)), base, 1e-4, 1e-4, 'logits after PiSSA init');
    adapter.dispose();
    expectAllClose(read(model.logits(batch)), base, 0, 0, 'logits after disposing PiSSA');
  });

  it('merge / unmerge keep the logits (≤1e-5) with a random adapter', () => {
    const adapter = injectLora(model, loraConfig({ r: 4, lora_alpha: 8, target_modules: ALL, layers: 'top:3', init_lora_weights: false }, model), new Rng(2));
    const withAdapter = read(model.logits(batch));
    expect(Math.max(...Array.from(withAdapter, (v, i) => Math.abs(v - base[i])))).toBeGreaterThan(1e-2);
    mergeLora(adapter);
    expectAllClose(read(model.logits(batch)), withAdapter, 1e-5, 1e-4, 'merged logits');
    unmergeLora(adapter);
    expectAllClose(read(model.logits(batch)), withAdapter, 1e-5, 1e-4, 'unmerged logits');
    adapter.dispose();
    expectAllClose(read(model.logits(batch)), base, 1e-5, 1e-4, 'logits after dispose');
  });

  it('per-sample parameter copies give the shared per-example losses and per-example gradients', () => {
    const adapter = injectLora(model, loraConfig({ r: 2, lora_alpha: 4, target_modules: ['q_proj', 'down_proj'], layers: 'top:2', init_lora_weights: false }, model), new Rng(3));
    const params = adapter.trainableParameters();
    const shared = read(model.perExampleLoss(batch));
    const copies = params.map((p) => tf.tile(tf.expandDims(p.variable, 0), [2, ...p.variable.shape.map(() => 1)]));
    const table = () => new Map(params.map((p, i) => [p.variable, copies[i]] as [tf.Variable, tf.Tensor]));
    expectAllClose(withParamOverrides(table(), () => model.perExampleLoss(batch)).dataSync(), shared, 1e-5, 1e-6, 'per-sample losses');
    const grads = tf.grads((...cs: tf.Tensor[]) => withParamOverrides(new Map(params.map((p, i) => [p.variable, cs[i]] as [tf.Variable, tf.Tensor])), () => tf.sum(model.perExampleLoss(batch))))(copies);
    // Example 1 alone (its own padding-free batch) gives the gradient of copy 1.
    const one: ModelBatch = { inputIds: tf.tensor2d([[1, 20, 30, 40]], [1, 4], 'int32') };
    const g1 = tf.grads((...vs: tf.Tensor[]) => withParamOverrides(new Map(params.map((p, i) => [p.variable, vs[i]] as [tf.Variable, tf.Tensor])), () => tf.sum(model.perExampleLoss(one))))(params.map((p) => p.variable));
    params.forEach((p, i) => {
      const sliced = tf.squeeze(tf.slice(grads[i], [1, ...p.variable.shape.map(() => 0)], [1, ...p.variable.shape]), [0]);
      expectAllClose(sliced.dataSync(), g1[i].dataSync(), 1e-3, 1e-6, `per-example gradient of ${p.name}`);
    });
    adapter.dispose();
  });

  it('save → load round trip is bit-identical', async () => {
    const dir = path.join(tmp, 'llama');
    const adapter = injectLora(model, loraConfig({ r: 2, lora_alpha: 4, target_modules: ALL, layers: [0, 4], init_lora_weights: false }, model), new Rng(4));
    const logits = read(model.logits(batch));
    await saveLoraAdapter(dir, adapter);
    const saved = new Map(adapter.trainableParameters().map((p) => [p.name, Float32Array.from(p.variable.dataSync())]));
    adapter.dispose();
    const loaded = await loadLoraAdapter(model, dir);
    expect(loaded.config.layers_to_transform).toEqual([0, 4]);
    for (const p of loaded.trainableParameters()) expect(Buffer.compare(Buffer.from(p.variable.dataSync().buffer), Buffer.from(saved.get(p.name)!.buffer))).toBe(0);
    expectAllClose(read(model.logits(batch)), logits, 0, 0, 'logits after reload');
    loaded.dispose();
  });
});

describe('LoRA on a random small BERT classifier', () => {
  it('targets query/key/value in the top layer, saves the head as modules_to_save, round-trips', async () => {
    const model = createBert({ vocab_size: 50, hidden_size: 16, num_hidden_layers: 3, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 32 }, 1, { numLabels: 3 });
    const batch: ModelBatch = { inputIds: tf.tensor2d([[2, 5, 7, 9], [2, 11, 0, 0]], [2, 4], 'int32'), attentionMask: tf.tensor2d([[1, 1, 1, 1], [1, 1, 0, 0]], [2, 4], 'int32') };
    const base = read(model.logits(batch));
    const config = loraConfig({ r: 1, lora_alpha: 2, target_modules: ['query', 'key', 'value'], layers: 'top:1' }, model);
    expect(config).toMatchObject({ task_type: 'SEQ_CLS', modules_to_save: ['classifier', 'score'], layers_to_transform: [2] });
    const adapter = injectLora(model, config, new Rng(1));
    expect(adapter.targetedModules).toEqual(['bert.encoder.layer.2.attention.self.query', 'bert.encoder.layer.2.attention.self.key', 'bert.encoder.layer.2.attention.self.value']);
    expectAllClose(read(model.logits(batch)), base, 0, 0, 'BERT logits with B = 0');
    for (const p of [...adapter.trainableParameters(), ...model.headParameters()]) p.variable.assign(tf.randomNormal(p.variable.shape, 0, 0.3, 'float32', 5));
    const trained = read(model.logits(batch));
    const dir = path.join(tmp, 'bert');
    await saveLoraAdapter(dir, adapter);
    const { tensors } = await readSafetensorsFile(path.join(dir, ADAPTER_WEIGHTS_NAME));
    expect([...tensors.keys()].sort()).toEqual([
      'base_model.model.bert.encoder.layer.2.attention.self.key.lora_A.weight',
      'base_model.model.bert.encoder.layer.2.attention.self.key.lora_B.weight',
      'base_model.model.bert.encoder.layer.2.attention.self.query.lora_A.weight',
      'base_model.model.bert.encoder.layer.2.attention.self.query.lora_B.weight',
      'base_model.model.bert.encoder.layer.2.attention.self.value.lora_A.weight',
      'base_model.model.bert.encoder.layer.2.attention.self.value.lora_B.weight',
      'base_model.model.classifier.bias',
      'base_model.model.classifier.weight',
    ]);
    adapter.dispose();
    // A fresh head, then the saved one comes back with the adapter.
    for (const p of model.headParameters()) p.variable.assign(tf.zerosLike(p.variable));
    const loaded = await loadLoraAdapter(model, dir);
    expectAllClose(read(model.logits(batch)), trained, 0, 0, 'BERT logits after reload');
    loaded.dispose();
    model.dispose();
  });
});
