/**
 * `bert.embeddings`: word + absolute position + token type embeddings, LayerNorm, dropout.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module, dropout, type ForwardContext } from '@fish-tuning/core';
import type { Embedding, LayerNorm } from './primitives.js';

export class BertEmbeddings extends Module {
  constructor(
    public word_embeddings: Embedding,
    public position_embeddings: Embedding,
    public token_type_embeddings: Embedding,
    public LayerNorm: LayerNorm,
    readonly dropoutRate: number,
  ) {
    super();
  }

  /**
   * inputIds int32 [b, t]; tokenTypeIds int32 [b, t] (zeros when absent); positions start at
   * `pastLength` — transformers offsets absolute positions by the length of past keys/values, which is
   * what PEFT's prefix tuning passes, so a prefix of length l shifts the real tokens to l, l+1, ….
   */
  forward(inputIds: tf.Tensor, tokenTypeIds: tf.Tensor | undefined, pastLength: number, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const t = inputIds.shape[1] as number;
      const words = this.word_embeddings.forward(inputIds);
      const positions = this.position_embeddings.forward(tf.range(pastLength, pastLength + t, 1, 'int32')); // [t, d]
      const types = tokenTypeIds
        ? this.token_type_embeddings.forward(tokenTypeIds)
        : this.token_type_embeddings.forward(tf.zeros([1], 'int32')); // [1, d], broadcast
      const summed = tf.add(tf.add(words, positions), types);
      return dropout(this.LayerNorm.forward(summed), this.dropoutRate, ctx);
    });
  }
}
