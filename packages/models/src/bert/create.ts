/**
 * Random initialisation as transformers' BertPreTrainedModel._init_weights does: dense and embedding
 * weights ~ N(0, initializer_range), biases 0, LayerNorm 1/0, the padding row of word_embeddings 0.
 * Seeded (core's Rng), so a seed gives the same model on every backend.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, Rng } from '@fish-tuning/core';
import { bertConfig, type BertConfig } from './config.js';
import { bertTensorShapes, buildBertModel } from './build.js';
import { BertClassifier } from './classifier.js';
import { BertForSequenceClassification } from './sequence-classification.js';

export interface BertHeadOptions {
  /** Classifier outputs; default config.num_labels (1 when regression). */
  numLabels?: number;
  /** Regression head (one output, squared-error loss); default: config.problem_type === 'regression' or num_labels === 1. */
  regression?: boolean;
}

function normalData(rng: Rng, shape: number[], std: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.normal() * std;
  return data;
}

/** Decides the task and the classifier size from config and options; errors name the option. */
export function resolveHead(c: BertConfig, options: BertHeadOptions): { task: 'classification' | 'regression'; numLabels: number } {
  const regression = options.regression ?? (c.problem_type === 'regression' || (options.numLabels ?? c.num_labels) === 1);
  const numLabels = options.numLabels ?? (regression ? 1 : c.num_labels);
  if (!Number.isInteger(numLabels) || numLabels < 1) throw new FishTuningError(`numLabels must be a positive integer, got ${numLabels}`, { option: 'numLabels' });
  if (regression && numLabels !== 1) throw new FishTuningError(`a regression head has 1 output, got numLabels ${numLabels}`, { option: 'numLabels' });
  return { task: regression ? 'regression' : 'classification', numLabels };
}

/** A fresh classifier [numLabels, hidden] ~ N(0, initializer_range), bias 0. */
export function createClassifier(c: BertConfig, numLabels: number, rng: Rng): BertClassifier {
  const w = tf.tensor2d(normalData(rng, [numLabels, c.hidden_size], c.initializer_range), [numLabels, c.hidden_size]);
  const b = tf.zeros([numLabels]) as tf.Tensor1D;
  const head = new BertClassifier(w, b);
  w.dispose();
  b.dispose();
  return head;
}

/** A randomly initialised BertForSequenceClassification (small configs for tests; any size works). */
export function createBert(config: Partial<BertConfig>, seed: number, options: BertHeadOptions = {}): BertForSequenceClassification {
  const c = bertConfig(config);
  const { task, numLabels } = resolveHead(c, options);
  const rng = new Rng(seed);
  const shapes = bertTensorShapes(c);
  const bert = buildBertModel(c, (name) => {
    const shape = shapes.get(name)!;
    if (name.endsWith('LayerNorm.weight')) return tf.ones(shape);
    if (name.endsWith('.bias')) return tf.zeros(shape);
    const data = normalData(rng, shape, c.initializer_range);
    if (name === 'embeddings.word_embeddings.weight' && c.pad_token_id >= 0 && c.pad_token_id < c.vocab_size) {
      data.fill(0, c.pad_token_id * c.hidden_size, (c.pad_token_id + 1) * c.hidden_size);
    }
    return tf.tensor(data, shape);
  });
  return new BertForSequenceClassification(bert, createClassifier(c, numLabels, rng), task);
}
