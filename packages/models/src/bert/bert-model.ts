/**
 * `BertModel` (the `bert` sub-tree): embeddings, encoder layers and pooler, with the padding mask and
 * attention prefix handled once here. `forward` gives the last hidden states [b, t, d] (sentence
 * embeddings, parity tests); `pool` gives the pooler output [b, d].
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, Module, type ForwardContext, type LinearLike, type ModelBatch, type PrefixSource } from '@fish-tuning/core';
import type { BertConfig } from './config.js';
import type { BertEmbeddings } from './embeddings.js';
import type { BertEncoder } from './layer.js';

/** Added to attention scores of padding keys: exp() of it underflows to exactly 0. */
const MASKED = -1e9;

/** `pooler.dense` then tanh on the first ([CLS]) token. */
export class BertPooler extends Module {
  constructor(public dense: LinearLike) {
    super();
  }

  forward(hidden: tf.Tensor, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const [b, , d] = hidden.shape;
      const first = tf.reshape(tf.slice(hidden, [0, 0, 0], [b, 1, d]), [b, d]);
      return tf.tanh(this.dense.forward(first, ctx));
    });
  }
}

export type BertInputs = Pick<ModelBatch, 'inputIds' | 'attentionMask' | 'tokenTypeIds'>;

export class BertModel extends Module {
  constructor(
    public embeddings: BertEmbeddings,
    public encoder: BertEncoder,
    public pooler: BertPooler,
    readonly config: BertConfig,
  ) {
    super();
  }

  /** [b, 1, 1, l + t]: 0 for the prefix and real tokens, very negative for padding keys. */
  maskBias(batch: BertInputs, prefixLength: number): tf.Tensor {
    return tf.tidy(() => {
      const [b, t] = batch.inputIds.shape;
      const mask = batch.attentionMask ? tf.cast(batch.attentionMask, 'float32') : tf.ones([b, t]);
      const full = prefixLength > 0 ? tf.concat([tf.ones([b, prefixLength]), mask], 1) : mask;
      return tf.reshape(tf.mul(tf.sub(1, full), MASKED), [b, 1, 1, prefixLength + t]);
    });
  }

  private checkInputs(batch: BertInputs, prefixLength: number): void {
    const { inputIds, attentionMask, tokenTypeIds } = batch;
    if (inputIds.rank !== 2) throw new FishTuningError(`inputIds must be [batch, time], got shape ${JSON.stringify(inputIds.shape)}`, { option: 'inputIds' });
    const t = inputIds.shape[1];
    if (prefixLength + t > this.config.max_position_embeddings) {
      throw new FishTuningError(
        `sequence length ${t}${prefixLength ? ` + prefix ${prefixLength}` : ''} exceeds max_position_embeddings ${this.config.max_position_embeddings}`,
        { option: 'inputIds' },
      );
    }
    for (const [name, x] of [['attentionMask', attentionMask], ['tokenTypeIds', tokenTypeIds]] as const) {
      if (x && (x.shape[0] !== inputIds.shape[0] || x.shape[1] !== t || x.rank !== 2)) {
        throw new FishTuningError(`${name} shape ${JSON.stringify(x.shape)} does not match inputIds ${JSON.stringify(inputIds.shape)}`, { option: name });
      }
    }
  }

  /** Hidden states entering layer `from`… after layer `to - 1`, starting from `hidden`. */
  runLayers(hidden: tf.Tensor, batch: BertInputs, from: number, to: number, prefix: PrefixSource | null, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const l = prefix?.length ?? 0;
      const bias = this.maskBias(batch, l);
      // Layers outside a top-n prefix attend to the real tokens only.
      const realOnlyBias = l > 0 ? this.maskBias(batch, 0) : bias;
      let h = hidden;
      for (let i = from; i < to; i++) {
        const kv = prefix ? prefix.prefixFor(i, h, ctx) : null;
        h = this.encoder.layer[i].forward(h, kv ? bias : realOnlyBias, kv, ctx);
      }
      return h;
    });
  }

  /** Embedding output [b, t, d] (positions shifted by the prefix length). */
  embed(batch: BertInputs, prefix: PrefixSource | null, ctx?: ForwardContext): tf.Tensor {
    this.checkInputs(batch, prefix?.length ?? 0);
    return this.embeddings.forward(batch.inputIds, batch.tokenTypeIds, prefix?.length ?? 0, ctx);
  }

  /** Last hidden states [b, t, d] (transformers' `last_hidden_state`). */
  forward(batch: BertInputs, ctx?: ForwardContext, prefix: PrefixSource | null = null): tf.Tensor {
    return tf.tidy(() => this.runLayers(this.embed(batch, prefix, ctx), batch, 0, this.encoder.layer.length, prefix, ctx));
  }

  /** Pooler output [b, d] from last hidden states. */
  pool(hidden: tf.Tensor, ctx?: ForwardContext): tf.Tensor {
    return this.pooler.forward(hidden, ctx);
  }
}

/**
 * Sentence embedding as sentence-transformers' all-MiniLM-L6-v2 computes it: the mean of the real
 * tokens' hidden states, then (when `normalize`) L2-normalised → [b, d].
 */
export function meanPooling(hidden: tf.Tensor, attentionMask: tf.Tensor | undefined, normalize = true): tf.Tensor {
  return tf.tidy(() => {
    const [b, t] = hidden.shape;
    const m = attentionMask ? tf.reshape(tf.cast(attentionMask, 'float32'), [b, t, 1]) : tf.ones([b, t, 1]);
    const mean = tf.div(tf.sum(tf.mul(hidden, m), 1), tf.maximum(tf.sum(m, 1), 1e-9));
    if (!normalize) return mean;
    return tf.div(mean, tf.maximum(tf.norm(mean, 'euclidean', -1, true), 1e-12));
  });
}
