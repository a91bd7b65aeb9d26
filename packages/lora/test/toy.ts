/**
 * A tiny stand-in PeftTargetModel (Llama-like module paths, core Linears) so that LoRA/DoRA can be tested
 * without the real models: h ← h + o_proj(tanh(q_proj(h)) ⊙ v_proj(h)) per layer over an embedding.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Linear, Module, Rng, type ForwardContext, type LinearLike, type ModelBatch, type ModelDims, type PeftTargetModel, type TrainableParameter } from '@fish-tuning/core';

export function randomLinear(rng: Rng, inF: number, outF: number, bias = true): Linear {
  const w = tf.tensor2d(Float32Array.from({ length: inF * outF }, () => rng.normal() * 0.5), [outF, inF]);
  const b = bias ? tf.tensor1d(Float32Array.from({ length: outF }, () => rng.normal() * 0.1)) : null;
  return Linear.fromWeight(w, b);
}

class Attn extends Module {
  q_proj: LinearLike;
  v_proj: LinearLike;
  o_proj: LinearLike;
  constructor(rng: Rng, d: number, inner: number) {
    super();
    this.q_proj = randomLinear(rng, d, inner);
    this.v_proj = randomLinear(rng, d, inner, false);
    this.o_proj = randomLinear(rng, inner, d);
  }
}

class Layer extends Module {
  self_attn: Attn;
  constructor(rng: Rng, d: number, inner: number) {
    super();
    this.self_attn = new Attn(rng, d, inner);
  }
}

class Inner extends Module {
  layers: Layer[];
  embed: tf.Tensor2D;
  constructor(rng: Rng, vocab: number, d: number, inner: number, n: number) {
    super();
    this.layers = Array.from({ length: n }, () => new Layer(rng, d, inner));
    this.embed = tf.tensor2d(Float32Array.from({ length: vocab * d }, () => rng.normal()), [vocab, d]);
  }
}

export class ToyModel extends Module implements PeftTargetModel {
  readonly task = 'causal-lm' as const;
  readonly modelType = 'llama';
  readonly dims: ModelDims;
  prefix = null;
  model: Inner;

  constructor(seed = 1, { vocab = 11, d = 8, inner = 6, n = 3 } = {}) {
    super();
    const rng = new Rng(seed);
    this.model = new Inner(rng, vocab, d, inner, n);
    this.dims = { numLayers: n, hiddenSize: d, numHeads: 1, numKvHeads: 1, headDim: d, intermediateSize: inner, vocabSize: vocab };
  }

  layerPath(i: number): string {
    return `model.layers.${i}`;
  }

  hidden(inputIds: tf.Tensor2D, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      let h: tf.Tensor = tf.gather(this.model.embed, inputIds);
      for (const layer of this.model.layers) {
        const a = layer.self_attn;
        h = tf.add(h, a.o_proj.forward(tf.mul(tf.tanh(a.q_proj.forward(h, ctx)), a.v_proj.forward(h, ctx)), ctx));
      }
      return h;
    });
  }

  logits(batch: ModelBatch, ctx?: ForwardContext): tf.Tensor {
    return this.hidden(batch.inputIds, ctx);
  }

  /** Mean of squares of the last hidden state per example: a smooth loss with per-example structure. */
  perExampleLoss(batch: ModelBatch, ctx?: ForwardContext): tf.Tensor1D {
    return tf.tidy(() => tf.mean(tf.square(this.hidden(batch.inputIds, ctx)), [1, 2]) as tf.Tensor1D);
  }

  headParameters(): TrainableParameter[] {
    return [];
  }

  dispose(): void {
    this.model.embed.dispose();
    for (const l of this.model.layers) for (const m of [l.self_attn.q_proj, l.self_attn.v_proj, l.self_attn.o_proj]) (m as Linear).dispose();
  }
}

export const IDS = () => tf.tensor2d([[1, 2, 3, 4], [5, 6, 7, 0], [9, 10, 1, 3]], [3, 4], 'int32');
