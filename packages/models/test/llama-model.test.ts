/** createLlama: module paths, determinism, KV cache consistency and gradients through the model. */
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Linear, Module, getSubmodule, namedModules, paramValue, type LinearLike, type PrefixSource } from '@fish-tuning/core';
import { expectAllClose } from '@fish-tuning/test-utils';
import { createLlama, generateIds, type LlamaAttention } from '../src/index.js';

const CONFIG = { vocabSize: 37, hiddenSize: 16, intermediateSize: 24, numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2 };

/** q_proj + a trainable delta, standing in for a PEFT layer. */
class Delta extends Module implements LinearLike {
  constructor(
    public base_layer: Linear,
    public delta: tf.Variable,
  ) {
    super();
  }
  get inFeatures() {
    return this.base_layer.inFeatures;
  }
  get outFeatures() {
    return this.base_layer.outFeatures;
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(this.base_layer.forward(x), tf.reshape(tf.matMul(tf.reshape(x, [-1, this.inFeatures]), paramValue(this.delta)), [...x.shape.slice(0, -1), this.outFeatures])));
  }
}

describe('Llama model (random init)', () => {
  test('HF module paths, dims and seeded init', () => {
    const m = createLlama(CONFIG, 5);
    const paths = namedModules(m).map(([p]) => p);
    for (const p of ['model.embed_tokens', 'model.layers.1.self_attn.q_proj', 'model.layers.1.mlp.gate_proj', 'model.layers.0.post_attention_layernorm', 'model.norm', 'lm_head']) expect(paths).toContain(p);
    expect(m.layerPath(1)).toBe('model.layers.1');
    expect((getSubmodule(m, 'model.layers.0.self_attn.k_proj') as Linear).outFeatures).toBe(8);
    expect(m.dims).toEqual({ numLayers: 2, hiddenSize: 16, numHeads: 4, numKvHeads: 2, headDim: 4, intermediateSize: 24, vocabSize: 37 });
    expect(m.headParameters()).toEqual([]);
    const again = createLlama(CONFIG, 5);
    const other = createLlama(CONFIG, 6);
    const w = (x: typeof m) => Array.from(((x.model.layers[0].self_attn as LlamaAttention).q_proj as Linear).kernel.dataSync());
    expect(w(again)).toEqual(w(m));
    expect(w(other)).not.toEqual(w(m));
    const before = tf.memory().numTensors;
    other.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
    m.dispose();
    again.dispose();
  });

  test('incremental decoding with the KV cache (and a prefix) gives the full forward pass logits', async () => {
    const m = createLlama(CONFIG, 1);
    const ids = [1, 4, 9, 16, 25, 36, 7];
    const l = 2;
    const keys = [0, 1].map((i) => tf.randomNormal([1, 2, l, 4], 0, 1, 'float32', i));
    const values = [0, 1].map((i) => tf.randomNormal([1, 2, l, 4], 0, 1, 'float32', 10 + i));
    const prefix: PrefixSource = { length: l, prefixFor: (i) => ({ key: keys[i], value: values[i] }) };
    for (const p of [null, prefix]) {
      m.prefix = p;
      const full = m.logits({ inputIds: tf.tensor2d([ids], undefined, 'int32') });
      const cache = m.newCache();
      const steps: tf.Tensor[] = [m.nextTokenLogits(tf.tensor2d([ids.slice(0, 3)], undefined, 'int32'), cache)];
      for (let i = 3; i < ids.length; i++) steps.push(m.nextTokenLogits(tf.tensor2d([[ids[i]]], undefined, 'int32'), cache));
      const want = tf.gather(tf.reshape(full, [ids.length, CONFIG.vocabSize]), [2, 3, 4, 5, 6]);
      expectAllClose(tf.concat(steps, 0).dataSync(), want.dataSync(), 1e-4, 1e-5, `cached logits (prefix ${p ? 'on' : 'off'})`);
      cache.dispose();
      tf.dispose([full, want, ...steps]);
    }
    // Greedy generation with the cache agrees with argmax over full forward passes.
    m.prefix = null;
    const gen = await generateIds(m, [1, 4], { maxNewTokens: 6 });
    const seq = [1, 4];
    for (let i = 0; i < 6; i++) {
      const lg = m.logits({ inputIds: tf.tensor2d([seq], undefined, 'int32') });
      seq.push(tf.tidy(() => tf.argMax(tf.reshape(tf.slice(lg, [0, seq.length - 1, 0], [1, 1, -1]), [-1])).dataSync()[0]));
      lg.dispose();
    }
    expect(gen).toEqual(seq.slice(2));
    tf.dispose([...keys, ...values]);
    m.dispose();
  });

  test('gradients of perExampleLoss reach a trainable layer and match finite differences', () => {
    const m = createLlama(CONFIG, 2, 0.2);
    const attn = m.model.layers[1].self_attn as LlamaAttention;
    const base = attn.q_proj as Linear;
    const delta = tf.variable(tf.zeros([16, 16]));
    attn.q_proj = new Delta(base, delta);
    const batch = {
      inputIds: tf.tensor2d([[1, 5, 6, 7, 8], [1, 9, 10, 0, 0]], undefined, 'int32'),
      attentionMask: tf.tensor2d([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], undefined, 'int32'),
    };
    const loss = () => tf.sum(m.perExampleLoss(batch)) as tf.Scalar;
    const { grads } = tf.variableGrads(loss, [delta]);
    const g = grads[delta.name];
    const direction = tf.randomNormal([16, 16], 0, 1, 'float32', 3);
    const analytic = tf.sum(tf.mul(g, direction)).dataSync()[0];
    const eps = 1e-2;
    delta.assign(tf.mul(direction, eps));
    const up = loss().dataSync()[0];
    delta.assign(tf.mul(direction, -eps));
    const down = loss().dataSync()[0];
    const numeric = (up - down) / (2 * eps);
    expect(Math.abs(analytic)).toBeGreaterThan(1e-3);
    expect(Math.abs(analytic - numeric)).toBeLessThan(2e-2 * Math.abs(analytic) + 1e-3);
    tf.dispose([g, direction, delta, batch.inputIds, batch.attentionMask]);
    m.dispose();
  });
});
