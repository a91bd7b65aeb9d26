/**
 * Token embedding table (`model.embed_tokens`), HF layout [vocab, hidden].
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module } from '@fish-tuning/core';

export class Embedding extends Module {
  constructor(public weight: tf.Tensor2D) {
    super();
  }

  get numEmbeddings(): number {
    return this.weight.shape[0];
  }

  /** ids int32 [...] → [..., hidden]. */
  forward(ids: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.gather(this.weight, tf.cast(ids, 'int32')));
  }

  dispose(): void {
    this.weight.dispose();
  }
}
