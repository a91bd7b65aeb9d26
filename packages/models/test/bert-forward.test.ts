/**
 * BERT forward vs an independent PyTorch forward (float64) over the same random checkpoint: hidden
 * states with padding and token types, pooler, classification and regression logits and losses,
 * the classifier gradient, an attention prefix; plus tensor counts and the frozen-prefix hooks.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, pythonHas, runPython, tensorCountAround } from '@fish-tuning/test-utils';
import { EVAL_CONTEXT, getSubmodule, Linear, type KeyValuePrefix, type ModelBatch, type PrefixSource } from '@fish-tuning/core';
import { createBert, loadHfBert, type BertForSequenceClassification } from '../src/bert/index.js';
import { TINY_CONFIG, TORCH_BERT, writeCheckpoint } from './bert-reference.js';

const hasTorch = pythonHas('torch', 'numpy');
const B = 3;
const T = 7;
const ids = [
  [2, 11, 7, 23, 5, 3, 9],
  [2, 31, 17, 3, 0, 0, 0],
  [2, 8, 3, 14, 3, 0, 0],
];
const mask = [
  [1, 1, 1, 1, 1, 1, 1],
  [1, 1, 1, 1, 0, 0, 0],
  [1, 1, 1, 1, 1, 0, 0],
];
const types = [
  [0, 0, 0, 1, 1, 1, 1],
  [0, 0, 0, 0, 0, 0, 0],
  [0, 0, 0, 1, 1, 0, 0],
];

function batch(labels?: tf.Tensor): ModelBatch {
  return {
    inputIds: tf.tensor2d(ids, [B, T], 'int32'),
    attentionMask: tf.tensor2d(mask, [B, T], 'int32'),
    tokenTypeIds: tf.tensor2d(types, [B, T], 'int32'),
    labels,
  };
}

function disposeBatch(b: ModelBatch): void {
  tf.dispose([b.inputIds, b.attentionMask!, b.tokenTypeIds!, ...(b.labels ? [b.labels] : [])]);
}

/** Only real (unpadded) positions of hidden states [b, t, d] are compared: padded ones are don't-care. */
function realPositions(flat: ArrayLike<number>, d: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) if (mask[b][t]) for (let j = 0; j < d; j++) out.push(flat[(b * T + t) * d + j]);
  return out;
}

describe.skipIf(!hasTorch)('BERT forward vs PyTorch (float64 reference)', () => {
  let dir: string;
  let model: BertForSequenceClassification;
  let ref: { hidden: number[]; pooled: number[]; logits: number[]; loss: number[]; grad: number[] };
  const labels = [2, 0, 1];

  beforeAll(async () => {
    dir = await writeCheckpoint(TINY_CONFIG, 7, { numLabels: 3 });
    model = (await loadHfBert(dir, { tokenizer: false })).model;
    ref = runPython(TORCH_BERT, { dir, ids, mask, types, labels, regression: false });
  });

  it('hidden states (padding mask, token types) and pooler match', () => {
    const b = batch();
    const hidden = model.encode(b);
    expect(hidden.shape).toEqual([B, T, 16]);
    const d = 16;
    expectAllClose(realPositions(hidden.dataSync(), d), realPositions(ref.hidden, d), 1e-5, 1e-5, 'hidden');
    const pooled = model.bert.pool(hidden);
    expectAllClose(pooled.dataSync(), ref.pooled, 1e-5, 1e-5, 'pooled');
    tf.dispose([hidden, pooled]);
    disposeBatch(b);
  });

  it('classification logits, per-example cross-entropy and the classifier gradient match', () => {
    expect(model.task).toBe('classification');
    const b = batch(tf.tensor1d(labels, 'int32'));
    const logits = model.logits(b);
    expect(logits.shape).toEqual([B, 3]);
    expectAllClose(logits.dataSync(), ref.logits, 1e-5, 1e-5, 'logits');
    const loss = model.perExampleLoss(b);
    expect(loss.shape).toEqual([B]);
    expectAllClose(loss.dataSync(), ref.loss, 1e-5, 1e-5, 'loss');
    const [weight] = model.headParameters();
    expect(weight.name).toBe('base_model.model.classifier.weight');
    const { grads } = tf.variableGrads(() => tf.mean(model.perExampleLoss(b, EVAL_CONTEXT)) as tf.Scalar, [weight.variable]);
    expectAllClose(grads[weight.variable.name].dataSync(), ref.grad, 1e-5, 1e-6, 'd loss / d classifier.weight');
    tf.dispose([logits, loss, ...Object.values(grads)]);
    disposeBatch(b);
  });

  it('regression head (num_labels 1, sentence-transformers layout without bert.) matches MSE per example', async () => {
    const rdir = await writeCheckpoint({ ...TINY_CONFIG, num_labels: 1 }, 11, { prefix: '', numLabels: 1 });
    const { model: reg } = await loadHfBert(rdir, { tokenizer: false });
    expect(reg.task).toBe('regression');
    const targets = [0.5, -1.25, 3];
    const r = runPython(TORCH_BERT, { dir: rdir, ids, mask, types, labels: targets, regression: true });
    const b = batch(tf.tensor1d(targets, 'float32'));
    const logits = reg.logits(b);
    expect(logits.shape).toEqual([B]);
    expectAllClose(logits.dataSync(), r.logits, 1e-5, 1e-5, 'regression logits');
    const loss = reg.perExampleLoss(b);
    expectAllClose(loss.dataSync(), r.loss, 1e-5, 1e-5, 'squared error');
    tf.dispose([logits, loss]);
    disposeBatch(b);
    reg.dispose();
  });

  it('an attention prefix is prepended to every layer, always visible, and shifts positions', () => {
    const l = 2;
    const heads = 4;
    const hd = 4;
    const keys: number[][] = [];
    const values: number[][] = [];
    const source: PrefixSource = {
      length: l,
      prefixFor(layer: number): KeyValuePrefix {
        return { key: tf.tensor(keys[layer], [B, heads, l, hd]), value: tf.tensor(values[layer], [B, heads, l, hd]) };
      },
    };
    for (let i = 0; i < 2; i++) {
      keys.push(Array.from({ length: B * heads * l * hd }, (_, j) => Math.sin(j * 0.37 + i)));
      values.push(Array.from({ length: B * heads * l * hd }, (_, j) => Math.cos(j * 0.11 - i)));
    }
    const r = runPython(TORCH_BERT, { dir, ids, mask, types, labels, regression: false, prefix: { key: keys, value: values, length: l } });
    model.prefix = source;
    try {
      const b = batch();
      const hidden = model.encode(b);
      expectAllClose(realPositions(hidden.dataSync(), 16), realPositions(r.hidden, 16), 1e-5, 1e-5, 'hidden with prefix');
      hidden.dispose();
      disposeBatch(b);
    } finally {
      model.prefix = null;
    }
  });

  it('forwardTop(forwardBottom(batch, k), k) equals perExampleLoss', () => {
    const b = batch(tf.tensor1d(labels, 'int32'));
    const whole = model.perExampleLoss(b);
    for (const k of [0, 1, 2]) {
      const bottom = model.forwardBottom(b, k);
      const top = model.forwardTop(bottom, b, k);
      expectAllClose(top.dataSync(), whole.dataSync(), 1e-6, 1e-6, `split at layer ${k}`);
      tf.dispose([bottom, top]);
    }
    whole.dispose();
    disposeBatch(b);
  });
});

describe('BERT module tree and memory', () => {
  it('has transformers module paths with Linear dense layers and PeftTargetModel facts', () => {
    const model = createBert(TINY_CONFIG, 1);
    for (const p of [
      'bert.embeddings.word_embeddings',
      'bert.encoder.layer.1.attention.self.query',
      'bert.encoder.layer.1.attention.self.key',
      'bert.encoder.layer.1.attention.self.value',
      'bert.encoder.layer.1.attention.output.dense',
      'bert.encoder.layer.1.attention.output.LayerNorm',
      'bert.encoder.layer.1.intermediate.dense',
      'bert.encoder.layer.1.output.dense',
      'bert.encoder.layer.1.output.LayerNorm',
      'bert.pooler.dense',
      'classifier',
    ]) {
      expect(getSubmodule(model, p), p).toBeDefined();
    }
    expect(getSubmodule(model, 'bert.encoder.layer.0.intermediate.dense')).toBeInstanceOf(Linear);
    expect(model.layerPath(1)).toBe('bert.encoder.layer.1');
    expect(model.dims).toEqual({ numLayers: 2, hiddenSize: 16, numHeads: 4, numKvHeads: 4, headDim: 4, intermediateSize: 24, vocabSize: 40 });
    expect(model.family).toBe('bert');
    expect(model.modelType).toBe('bert');
    const heads = model.headParameters();
    expect(heads.map((p) => [p.name, p.fishCandidate, p.variable.shape])).toEqual([
      ['base_model.model.classifier.weight', false, [3, 16]],
      ['base_model.model.classifier.bias', false, [3]],
    ]);
    expect(createBert({ ...TINY_CONFIG, num_labels: 1 }, 1).task).toBe('regression');
    expect(createBert(TINY_CONFIG, 1, { regression: true }).numLabels).toBe(1);
    model.dispose();
  });

  it('padding never leaks into real tokens; dropout follows ctx.random', () => {
    const model = createBert({ ...TINY_CONFIG, hidden_dropout_prob: 0.2, attention_probs_dropout_prob: 0.2 }, 3);
    const short = { inputIds: tf.tensor2d([[2, 11, 7, 3]], [1, 4], 'int32') };
    const padded = { inputIds: tf.tensor2d([[2, 11, 7, 3, 5, 9]], [1, 6], 'int32'), attentionMask: tf.tensor2d([[1, 1, 1, 1, 0, 0]], [1, 6], 'int32') };
    const a = model.encode(short);
    const b = model.encode(padded);
    const bReal = tf.slice(b, [0, 0, 0], [1, 4, 16]);
    expectAllClose(bReal.dataSync(), a.dataSync(), 1e-5, 1e-6, 'real tokens with and without padding');
    const seq = (seed: number) => {
      let x = seed;
      return () => ((x = (x * 16807) % 2147483647) / 2147483647);
    };
    const d1 = model.logits(short, { training: true, random: seq(1) });
    const d2 = model.logits(short, { training: true, random: seq(1) });
    const d3 = model.logits(short, { training: true, random: seq(2) });
    const e = model.logits(short);
    expect(Array.from(d2.dataSync())).toEqual(Array.from(d1.dataSync()));
    expect(Array.from(d3.dataSync())).not.toEqual(Array.from(d1.dataSync()));
    expect(Array.from(e.dataSync())).not.toEqual(Array.from(d1.dataSync()));
    expect(() => model.logits(short, { training: true })).toThrow(/random/);
    tf.dispose([a, b, bReal, d1, d2, d3, e, short.inputIds, padded.inputIds, padded.attentionMask]);
    model.dispose();
  });

  it('same seed, same model; tf.memory().numTensors is flat over 100 forward calls', async () => {
    const a = createBert(TINY_CONFIG, 5);
    const b2 = createBert(TINY_CONFIG, 5);
    const b = batch(tf.tensor1d([0, 1, 2], 'int32'));
    const la = a.logits(b);
    const lb = b2.logits(b);
    expect(Array.from(la.dataSync())).toEqual(Array.from(lb.dataSync()));
    tf.dispose([la, lb]);
    b2.dispose();
    const { before, after } = await tensorCountAround(100, (i) => {
      const out = i % 2 ? a.perExampleLoss(b) : a.logits(b, { training: true, random: () => 0.25 });
      out.dispose();
    });
    expect(after).toBe(before);
    disposeBatch(b);
    const n = tf.memory().numTensors;
    a.dispose();
    expect(tf.memory().numTensors).toBeLessThan(n);
  });
});
