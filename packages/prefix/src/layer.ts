/**
 * The prefix encoder: PEFT's `PrefixEncoder`. Its output is the flat past_key_values table
 * [l, num_layers·2·token_dim]; layer i's key is block 2i and its value block 2i+1, each split into
 * (heads, head_dim), which is exactly PEFT's `get_prompt`: view(b, l, 2L, H, hd).permute(2, 0, 3, 1, 4).split(2).
 *
 * Direct form: the table itself is the trainable `prompt_embeddings`. Projection form
 * (`prefix_projection`): Embedding(l, token_dim) → Linear(token_dim, enc) → tanh → Linear(enc, 2L·token_dim).
 * Every variable is read through paramValue, so a per-sample view [b, ...] gives a table [b, l, 2L·td].
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { isPerSample, matmulWeight, Module, ownedVariable, paramValue, perSampleBroadcast, type ForwardContext, type KeyValuePrefix, type PrefixSource, type Rng } from '@fish-tuning/core';
import type { PrefixConfig } from './config.js';

export interface PrefixProjection {
  /** Embedding(l, token_dim) weight [l, td]. */
  embedding: tf.Variable;
  /** Linear(td, enc): weight [enc, td] and bias [enc] (PyTorch layout). */
  w1: tf.Variable;
  b1: tf.Variable;
  /** Linear(enc, 2L·td): weight [2L·td, enc] and bias [2L·td]. */
  w2: tf.Variable;
  b2: tf.Variable;
}

function normal(shape: number[], rng: Rng, std: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.normal() * std;
  return tf.tensor(data, shape);
}

/** PyTorch's nn.Linear default: U(-1/√in, 1/√in) for weight and bias. */
function uniform(shape: number[], fanIn: number, rng: Rng): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const bound = 1 / Math.sqrt(fanIn);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (2 * rng.next() - 1) * bound;
  return tf.tensor(data, shape);
}

export class PrefixEncoder extends Module implements PrefixSource {
  readonly length: number;
  readonly numLayers: number;
  /** Layers with a prefix, in table-block order; null = every layer (block i is layer i). */
  readonly layers: readonly number[] | null;
  readonly heads: number;
  readonly headDim: number;
  /** Direct form: [l, 2L·td]; null in the projection form. */
  readonly prompt_embeddings: tf.Variable | null;
  readonly projection: PrefixProjection | null;

  /**
   * @param direct force the direct form (loading a saved table: PEFT saves the MLP's output, so a
   *   projection adapter reloads as its table, as PEFT does in inference mode).
   */
  constructor(config: PrefixConfig, rng: Rng, direct = false) {
    super();
    this.length = config.num_virtual_tokens;
    this.numLayers = config.num_layers;
    this.layers = config.layers_to_transform ?? null;
    this.heads = config.num_attention_heads;
    this.headDim = config.token_dim / config.num_attention_heads;
    const l = config.num_virtual_tokens;
    const td = config.token_dim;
    const out = (this.layers?.length ?? config.num_layers) * 2 * td;
    if (config.prefix_projection && !direct) {
      const enc = config.encoder_hidden_size;
      this.prompt_embeddings = null;
      // nn.Embedding's N(0, 1) init, nn.Linear's uniform init.
      this.projection = {
        embedding: ownedVariable(normal([l, td], rng, 1)),
        w1: ownedVariable(uniform([enc, td], td, rng)),
        b1: ownedVariable(uniform([enc], td, rng)),
        w2: ownedVariable(uniform([out, enc], enc, rng)),
        b2: ownedVariable(uniform([out], enc, rng)),
      };
    } else {
      this.prompt_embeddings = ownedVariable(normal([l, out], rng, 1));
      this.projection = null;
    }
  }

  /** The flat table: [l, 2L·td] shared, or [b, l, 2L·td] when any variable has a per-sample view. */
  table(): tf.Tensor {
    return tf.tidy(() => {
      if (this.prompt_embeddings) return paramValue(this.prompt_embeddings);
      const p = this.projection!;
      const vars = [p.embedding, p.w1, p.b1, p.w2, p.b2];
      const values = vars.map((v) => paramValue(v));
      const b = values.find((value, i) => isPerSample(vars[i], value))?.shape[0];
      let x = values[0];
      // Mixed shared/per-sample parameters: broadcast the embedding so that every product is batched.
      if (b !== undefined && x.rank === 2) x = tf.tile(tf.expandDims(x, 0), [b, 1, 1]);
      const lift = (w: tf.Tensor) => (b !== undefined && w.rank === 2 ? tf.tile(tf.expandDims(w, 0), [b, 1, 1]) : w);
      let h = matmulWeight(x, lift(values[1]));
      h = tf.tanh(tf.add(h, perSampleBroadcast(values[2], h)));
      const y = matmulWeight(h, lift(values[3]));
      return tf.add(y, perSampleBroadcast(values[4], y));
    });
  }

  /** Layer i's key and value [b, heads, l, headDim] (not rotated: the model prepends them after RoPE); null outside `layers`. */
  prefixFor(layer: number, hidden: tf.Tensor, _ctx?: ForwardContext): KeyValuePrefix | null {
    const block = this.layers ? this.layers.indexOf(layer) : layer;
    if (block < 0) return null;
    return tf.tidy(() => {
      const b = hidden.shape[0];
      const { length: l, heads: h, headDim: hd } = this;
      const td = h * hd;
      let t = this.table();
      const perSample = t.rank === 3;
      if (!perSample) t = tf.expandDims(t, 0);
      const n = t.shape[0];
      const slab = (k: number) => {
        const s = tf.slice(t, [0, 0, k * td], [n, l, td]);
        const heads = tf.transpose(tf.reshape(s, [n, l, h, hd]), [0, 2, 1, 3]);
        return perSample ? heads : tf.tile(heads, [b, 1, 1, 1]);
      };
      return { key: slab(2 * block), value: slab(2 * block + 1) };
    });
  }

  variables(): Array<[string, tf.Variable]> {
    if (this.prompt_embeddings) return [['prompt_embeddings', this.prompt_embeddings]];
    const p = this.projection!;
    return [
      ['prompt_encoder.embedding.weight', p.embedding],
      ['prompt_encoder.transform.0.weight', p.w1],
      ['prompt_encoder.transform.0.bias', p.b1],
      ['prompt_encoder.transform.2.weight', p.w2],
      ['prompt_encoder.transform.2.bias', p.b2],
    ];
  }

  dispose(): void {
    for (const [, v] of this.variables()) v.dispose();
  }
}
