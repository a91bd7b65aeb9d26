/**
 * One BERT encoder layer: `attention`, `intermediate` (dense + activation) and `output`
 * (dense + residual + LayerNorm), paths `bert.encoder.layer.{i}.…` as in transformers.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module, type ForwardContext, type KeyValuePrefix, type LinearLike } from '@fish-tuning/core';
import type { BertAttention, BertResidualOutput } from './attention.js';
import { activation } from './primitives.js';
import type { BertActivation } from './config.js';

export class BertIntermediate extends Module {
  constructor(
    public dense: LinearLike,
    readonly act: BertActivation,
  ) {
    super();
  }

  forward(x: tf.Tensor, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => activation(this.act, this.dense.forward(x, ctx)));
  }
}

export class BertLayer extends Module {
  constructor(
    public attention: BertAttention,
    public intermediate: BertIntermediate,
    public output: BertResidualOutput,
  ) {
    super();
  }

  forward(hidden: tf.Tensor, maskBias: tf.Tensor, prefix: KeyValuePrefix | null, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const attended = this.attention.forward(hidden, maskBias, prefix, ctx);
      return this.output.forward(this.intermediate.forward(attended, ctx), attended, ctx);
    });
  }
}

/** `encoder.layer` holds the layers (an array, so paths read `encoder.layer.3`). */
export class BertEncoder extends Module {
  constructor(public layer: BertLayer[]) {
    super();
  }
}
