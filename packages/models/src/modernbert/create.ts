/**
 * Random ModernBERT for tests and experiments without a checkpoint: truncated-normal weights (±2σ, std
 * initializer_range) as transformers' `_init_weights`, unit norms, zero biases. Seeded (core's Rng).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@fish-tuning/core';
import { resolveHead, type BertHeadOptions } from '../bert/create.js';
import type { BertConfig } from '../bert/config.js';
import { modernBertConfig } from './config.js';
import { buildModernBert, modernBertTensorShapes } from './build.js';
import { ModernBertForSequenceClassification } from './model.js';
import { BertClassifier } from '../bert/classifier.js';
import type { ModernBertConfig } from './config.js';

/** N(0, std²) cut at ±2σ by resampling, seeded. */
export function truncatedNormal(rng: Rng, shape: number[], std: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z = rng.normal();
    while (Math.abs(z) > 2) z = rng.normal();
    data[i] = z * std;
  }
  return tf.tensor(data, shape);
}

/** A randomly initialised ModernBertForSequenceClassification from config.json-style fields. */
export function createModernBert(config: Record<string, unknown>, seed: number, options: BertHeadOptions = {}): ModernBertForSequenceClassification {
  const c = modernBertConfig(config);
  const { task, numLabels } = resolveHead(c as unknown as BertConfig, options);
  const rng = new Rng(seed);
  const { encoder, head } = modernBertTensorShapes(c);
  const shapes = new Map([...encoder, ...head]);
  const { model, head: h } = buildModernBert(c, (name) => {
    const shape = shapes.get(name)!;
    if (/norm\.weight$/.test(name)) return tf.ones(shape);
    if (name.endsWith('.bias')) return tf.zeros(shape);
    return truncatedNormal(rng, shape, c.initializer_range);
  });
  return new ModernBertForSequenceClassification(c, model, h, createModernBertClassifier(c, numLabels, rng), task);
}

/** A fresh classifier as transformers initialises it (`final_out`: std hidden_size^-0.5, cut at 2σ), bias 0. */
export function createModernBertClassifier(c: ModernBertConfig, numLabels: number, rng: Rng): BertClassifier {
  const w = truncatedNormal(rng, [numLabels, c.hidden_size], 1 / Math.sqrt(c.hidden_size)) as tf.Tensor2D;
  const b = tf.zeros([numLabels]) as tf.Tensor1D;
  const head = new BertClassifier(w, b);
  tf.dispose([w, b]);
  return head;
}
