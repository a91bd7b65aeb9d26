/**
 * Llama-3 (rope_scaling llama3, tied, GQA, head_dim), Qwen2 (q/k/v biases, sharded checkpoint) and Phi-3
 * (fused projections, partial rotary, longrope, sliding window) against transformers 4.57: logits of a
 * right-padded batch, per-example losses, transformers' own loss, each row alone, and a Phi-3 pass long
 * enough for the long RoPE factors. References: scripts/make-tiny-models.py (float64 forward).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { loadHfLlama, saveHfLlama } from '../src/index.js';
import { DECODER_FIXTURES, fixtureDir, reference, refTensor, relativeError } from './fixtures.js';

/** Logits at real (unpadded) positions only: transformers' values at padded query rows are not part of any loss. */
function realPositions(logits: Float32Array | number[], mask: ArrayLike<number>, vocab: number): number[] {
  const out: number[] = [];
  for (let p = 0; p < mask.length; p++) if (mask[p]) for (let v = 0; v < vocab; v++) out.push(logits[p * vocab + v]);
  return out;
}

describe.each(DECODER_FIXTURES)('%s matches transformers', (name) => {
  test('logits, per-example loss, transformers loss, rows one by one', async () => {
    const ref = await reference(name);
    const { model, config } = await loadHfLlama(fixtureDir(name), { tokenizer: null });
    expect(model.modelType).toBe(name);
    const before = tf.memory().numTensors;
    const inputIds = refTensor(ref, 'input_ids', 'int32') as tf.Tensor2D;
    const attentionMask = refTensor(ref, 'attention_mask', 'int32') as tf.Tensor2D;
    const mask = ref.get('attention_mask')!.data;
    const logits = model.logits({ inputIds, attentionMask });
    const v = config.vocabSize;
    const err = relativeError(realPositions((await logits.data()) as Float32Array, mask, v), realPositions(ref.get('logits')!.data as Float32Array, mask, v));
    expect(err).toBeLessThan(1e-4);
    const loss = model.perExampleLoss({ inputIds, attentionMask });
    expect(relativeError((await loss.data()) as Float32Array, ref.get('per_example_loss')!.data as Float32Array)).toBeLessThan(1e-4);
    // transformers' loss is the mean over all supervised tokens: weight each row's mean by its token count.
    const [b, t] = inputIds.shape;
    let num = 0;
    let den = 0;
    const lossData = await loss.data();
    for (let i = 0; i < b; i++) {
      let n = 0;
      for (let j = 1; j < t; j++) n += mask[i * t + j];
      num += lossData[i] * n;
      den += n;
    }
    expect(Math.abs(num / den - ref.get('hf_loss')!.data[0]) / ref.get('hf_loss')!.data[0]).toBeLessThan(1e-4);
    // The padded batch equals its rows run alone (unpadded).
    const all = (await logits.data()) as Float32Array;
    const ids = await inputIds.data();
    for (let i = 0; i < b; i++) {
      let len = 0;
      while (len < t && mask[i * t + len]) len++;
      const row = tf.tensor2d(Array.from(ids.slice(i * t, i * t + len)), [1, len], 'int32');
      const alone = model.logits({ inputIds: row });
      expect(relativeError((await alone.data()) as Float32Array, all.slice(i * t * v, (i * t + len) * v))).toBeLessThan(1e-5);
      row.dispose();
      alone.dispose();
    }
    tf.dispose([logits, loss, inputIds, attentionMask]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

test('phi3: a pass longer than original_max_position_embeddings uses the long factors, as transformers does', async () => {
  const ref = await reference('phi3');
  const { model, config } = await loadHfLlama(fixtureDir('phi3'), { tokenizer: null });
  expect(config.rope.type).toBe('longrope');
  const ids = refTensor(ref, 'long.input_ids', 'int32') as tf.Tensor2D;
  expect(ids.shape[1]).toBeGreaterThan(config.rope.type === 'longrope' ? config.rope.originalMaxPositionEmbeddings : Infinity);
  const logits = model.logits({ inputIds: ids });
  expect(relativeError((await logits.data()) as Float32Array, ref.get('long.logits')!.data as Float32Array)).toBeLessThan(1e-4);
  tf.dispose([ids, logits]);
  model.dispose();
});

test('a sequence longer than max_position_embeddings is refused by name, not crashed on', async () => {
  const { model, config } = await loadHfLlama(fixtureDir('phi3'), { tokenizer: null });
  const ids = tf.zeros([1, config.maxPositionEmbeddings + 1], 'int32') as tf.Tensor2D;
  expect(() => model.logits({ inputIds: ids })).toThrow(/65 positions .*exceeds max_position_embeddings 64/);
  ids.dispose();
  model.dispose();
});

test.each(DECODER_FIXTURES)('%s: saved with saveHfLlama and reloaded, logits are identical (biases and fused projections kept)', async (name) => {
  const { model } = await loadHfLlama(fixtureDir(name), { tokenizer: null });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `resave-${name}-`));
  try {
    await saveHfLlama(model, dir);
    const again = await loadHfLlama(dir, { tokenizer: null });
    expect(again.config).toEqual(model.config);
    const ids = tf.tensor2d([[5, 9, 17, 33, 2, 64, 100]], undefined, 'int32');
    const a = await model.logits({ inputIds: ids }).data();
    const b = await again.model.logits({ inputIds: ids }).data();
    expect(Array.from(b)).toEqual(Array.from(a));
    again.model.dispose();
    ids.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    model.dispose();
  }
});

test('phi3: an attention prefix passed as past key/values, with the sliding window reaching into it, matches transformers', async () => {
  const ref = await reference('phi3');
  const { model, config } = await loadHfLlama(fixtureDir('phi3'), { tokenizer: null });
  const inputIds = refTensor(ref, 'input_ids', 'int32') as tf.Tensor2D;
  const attentionMask = refTensor(ref, 'attention_mask', 'int32') as tf.Tensor2D;
  const b = inputIds.shape[0];
  const keys = Array.from({ length: config.numHiddenLayers }, (_, i) => refTensor(ref, `prefix.key.${i}`));
  const values = Array.from({ length: config.numHiddenLayers }, (_, i) => refTensor(ref, `prefix.value.${i}`));
  const l = keys[0].shape[2] as number;
  expect(l + inputIds.shape[1]).toBeGreaterThan(config.slidingWindow!);
  model.prefix = { length: l, prefixFor: (i) => ({ key: tf.tile(keys[i], [b, 1, 1, 1]), value: tf.tile(values[i], [b, 1, 1, 1]) }) };
  const logits = model.logits({ inputIds, attentionMask });
  const mask = ref.get('attention_mask')!.data;
  expect(relativeError(realPositions((await logits.data()) as Float32Array, mask, config.vocabSize), realPositions(ref.get('prefix.logits')!.data as Float32Array, mask, config.vocabSize))).toBeLessThan(1e-4);
  model.prefix = null;
  tf.dispose([inputIds, attentionMask, logits, ...keys, ...values]);
  model.dispose();
});
