/**
 * BERT (cased WordPiece, token types, classification + regression) and ModernBERT (global/local attention
 * with a window smaller than the batch, separate rope thetas, fused Wqkv, GeGLU, bias-free norms, mean and
 * cls pooling) against transformers 4.57: logits of a right-padded batch, per-example losses, transformers'
 * mean loss, a regression head, and each row alone. References: scripts/make-tiny-models.py.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { ModelBatch, PeftTargetModel } from '@fish-tuning/core';
import { loadHfBert, loadHfModernBert, type BertClassifier } from '../src/index.js';
import { fixtureDir, reference, refTensor, relativeError } from './fixtures.js';

type Loaded = { model: PeftTargetModel & { classifier: BertClassifier } };

async function load(name: string, options: { regression?: boolean } = {}): Promise<Loaded> {
  return name === 'bert' ? loadHfBert(fixtureDir(name), { tokenizer: false, ...options }) : loadHfModernBert(fixtureDir(name), { tokenizer: false, ...options });
}

async function batchOf(name: string, labels: 'labels' | 'reg.labels' = 'labels'): Promise<{ batch: ModelBatch; ref: Awaited<ReturnType<typeof reference>> }> {
  const ref = await reference(name);
  const batch: ModelBatch = {
    inputIds: refTensor(ref, 'input_ids', 'int32') as tf.Tensor2D,
    attentionMask: refTensor(ref, 'attention_mask', 'int32') as tf.Tensor2D,
    labels: refTensor(ref, labels, labels === 'labels' ? 'int32' : 'float32'),
  };
  if (ref.has('token_type_ids')) batch.tokenTypeIds = refTensor(ref, 'token_type_ids', 'int32') as tf.Tensor2D;
  return { batch, ref };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-enc-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.each(['bert', 'modernbert'])('%s matches transformers', (name) => {
  test('classification logits, per-example and mean loss; rows one by one', async () => {
    const { model } = await load(name);
    const { batch, ref } = await batchOf(name);
    const before = tf.memory().numTensors;
    const logits = model.logits(batch);
    expect(relativeError((await logits.data()) as Float32Array, ref.get('logits')!.data as Float32Array)).toBeLessThan(1e-4);
    const loss = model.perExampleLoss(batch);
    const lossData = (await loss.data()) as Float32Array;
    expect(relativeError(lossData, ref.get('per_example_loss')!.data as Float32Array)).toBeLessThan(1e-4);
    const mean = lossData.reduce((a, b) => a + b, 0) / lossData.length;
    expect(Math.abs(mean - ref.get('hf_loss')!.data[0]) / ref.get('hf_loss')!.data[0]).toBeLessThan(1e-4);
    const [b, t] = batch.inputIds.shape;
    const mask = ref.get('attention_mask')!.data;
    const all = (await logits.data()) as Float32Array;
    const n = all.length / b;
    for (let i = 0; i < b; i++) {
      let len = 0;
      while (len < t && mask[i * t + len]) len++;
      const row: ModelBatch = { inputIds: tf.slice(batch.inputIds, [i, 0], [1, len]) };
      if (batch.tokenTypeIds) row.tokenTypeIds = tf.slice(batch.tokenTypeIds, [i, 0], [1, len]);
      const alone = model.logits(row);
      expect(relativeError((await alone.data()) as Float32Array, all.slice(i * n, (i + 1) * n))).toBeLessThan(1e-5);
      tf.dispose([row.inputIds, row.tokenTypeIds, alone].filter(Boolean) as tf.Tensor[]);
    }
    tf.dispose([logits, loss]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([batch.inputIds, batch.attentionMask!, batch.labels!, batch.tokenTypeIds].filter(Boolean) as tf.Tensor[]);
    model.dispose();
  });

  test('regression head: predictions and squared error', async () => {
    const { model } = await load(name, { regression: true });
    expect(model.task).toBe('regression');
    const { batch, ref } = await batchOf(name, 'reg.labels');
    model.classifier.weight.assign(refTensor(ref, 'reg.classifier.weight') as tf.Tensor2D);
    model.classifier.bias.assign(refTensor(ref, 'reg.classifier.bias') as tf.Tensor1D);
    const logits = model.logits(batch);
    expect(logits.shape).toEqual([3]);
    expect(relativeError((await logits.data()) as Float32Array, ref.get('reg.logits')!.data as Float32Array)).toBeLessThan(1e-4);
    const loss = await model.perExampleLoss(batch).data();
    const mse = Array.from(loss).reduce((a, b) => a + b, 0) / loss.length;
    expect(Math.abs(mse - ref.get('reg.hf_loss')!.data[0]) / ref.get('reg.hf_loss')!.data[0]).toBeLessThan(1e-4);
    model.dispose();
  });
});

test('modernbert: classifier_pooling cls on the same weights', async () => {
  const dir = path.join(tmp, 'mb-cls');
  fs.cpSync(fixtureDir('modernbert'), dir, { recursive: true });
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...config, classifier_pooling: 'cls' }));
  const { model } = await loadHfModernBert(dir, { tokenizer: false });
  const { batch, ref } = await batchOf('modernbert');
  const logits = model.logits(batch);
  expect(relativeError((await logits.data()) as Float32Array, ref.get('cls.logits')!.data as Float32Array)).toBeLessThan(1e-4);
  model.dispose();
});
