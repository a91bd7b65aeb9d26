/**
 * Small random models from @fish-tuning/models for the method tests (the conformance table, ia3, adapter, unipelt):
 * a GQA Llama (4 heads, 2 kv heads) and a BERT classifier without dropout, 3 layers each, and a padded batch.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelBatch, PeftTargetModel } from '@fish-tuning/core';
import { createBert, createLlama } from '@fish-tuning/models';

export type Family = 'llama' | 'bert';

export function smallModel(family: Family, layers = 3): PeftTargetModel {
  return family === 'llama'
    ? createLlama({ vocabSize: 40, hiddenSize: 16, intermediateSize: 24, numHiddenLayers: layers, numAttentionHeads: 4, numKeyValueHeads: 2 }, 7, 0.2)
    : createBert({ vocab_size: 40, hidden_size: 16, intermediate_size: 24, num_hidden_layers: layers, num_attention_heads: 4, max_position_embeddings: 64, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 }, 7, { numLabels: 3 });
}

export function smallBatch(family: Family): ModelBatch {
  const inputIds = tf.tensor2d([[1, 5, 9, 3], [2, 4, 6, 8], [11, 12, 13, 0]], [3, 4], 'int32');
  const attentionMask = tf.tensor2d([[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 0]], [3, 4], 'int32');
  return family === 'llama' ? { inputIds, attentionMask } : { inputIds, attentionMask, labels: tf.tensor1d([0, 2, 1], 'int32') };
}
