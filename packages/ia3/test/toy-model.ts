/**
 * A tiny stand-in for the real models (same module paths as HF Llama and BERT, a made-up but
 * differentiable forward) so that PEFT layers can be tested without a checkpoint. Attention-free:
 * prefix tests use the real models.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Linear, Module, type LinearLike, type ModelBatch, type ModelDims, type PeftTargetModel, type PrefixSource, type TrainableParameter } from '@fish-tuning/core';

function randomLinear(inF: number, outF: number, seed: number, bias: boolean): Linear {
  return new Linear(tf.randomNormal([inF, outF], 0, 0.3, 'float32', seed) as tf.Tensor2D, bias ? (tf.randomNormal([outF], 0, 0.1, 'float32', seed + 7) as tf.Tensor1D) : null);
}

class Group extends Module {
  constructor(fields: Record<string, Module | Module[]>) {
    super();
    Object.assign(this, fields);
  }
}

export class ToyModel extends Module implements PeftTargetModel {
  readonly task = 'causal-lm' as const;
  readonly modelType: string;
  prefix: PrefixSource | null = null;
  readonly dims: ModelDims;
  readonly embedding: tf.Tensor2D;
  [key: string]: any;

  constructor(readonly family: 'llama' | 'bert', seed = 1, d = 8, ff = 12, layers = 3, vocab = 11) {
    super();
    this.modelType = family;
    this.dims = { numLayers: layers, hiddenSize: d, numHeads: 2, numKvHeads: 2, headDim: d / 2, intermediateSize: ff, vocabSize: vocab };
    this.embedding = tf.randomNormal([vocab, d], 0, 1, 'float32', seed) as tf.Tensor2D;
    const bias = family === 'bert';
    const mk = (i: number) => {
      const s = seed * 100 + i * 10;
      if (family === 'llama') {
        return new Group({
          self_attn: new Group({ q_proj: randomLinear(d, d, s, bias), k_proj: randomLinear(d, d, s + 1, bias), v_proj: randomLinear(d, d, s + 2, bias), o_proj: randomLinear(d, d, s + 3, bias) }),
          mlp: new Group({ gate_proj: randomLinear(d, ff, s + 4, bias), up_proj: randomLinear(d, ff, s + 5, bias), down_proj: randomLinear(ff, d, s + 6, bias) }),
        });
      }
      return new Group({
        attention: new Group({
          self: new Group({ query: randomLinear(d, d, s, bias), key: randomLinear(d, d, s + 1, bias), value: randomLinear(d, d, s + 2, bias) }),
          output: new Group({ dense: randomLinear(d, d, s + 3, bias) }),
        }),
        intermediate: new Group({ dense: randomLinear(d, ff, s + 4, bias) }),
        output: new Group({ dense: randomLinear(ff, d, s + 6, bias) }),
      });
    };
    const stack = Array.from({ length: layers }, (_, i) => mk(i));
    if (family === 'llama') this.model = new Group({ layers: stack });
    else this.bert = new Group({ encoder: new Group({ layer: stack }) });
  }

  layerPath(i: number): string {
    return this.family === 'llama' ? `model.layers.${i}` : `bert.encoder.layer.${i}`;
  }

  private layer(i: number): any {
    return this.family === 'llama' ? this.model.layers[i] : this.bert.encoder.layer[i];
  }

  logits(batch: ModelBatch): tf.Tensor {
    return tf.tidy(() => {
      let h: tf.Tensor = tf.gather(this.embedding, batch.inputIds);
      for (let i = 0; i < this.dims.numLayers; i++) {
        const L = this.layer(i);
        const [q, k, v, o, up, gate, down] =
          this.family === 'llama'
            ? [L.self_attn.q_proj, L.self_attn.k_proj, L.self_attn.v_proj, L.self_attn.o_proj, L.mlp.up_proj, L.mlp.gate_proj, L.mlp.down_proj]
            : [L.attention.self.query, L.attention.self.key, L.attention.self.value, L.attention.output.dense, L.intermediate.dense, null, L.output.dense];
        const f = (m: LinearLike, x: tf.Tensor) => m.forward(x);
        const a = f(o, tf.add(tf.mul(f(q, h), tf.sigmoid(f(k, h))), f(v, h)));
        h = tf.add(h, a);
        const hidden = gate ? tf.mul(tf.sigmoid(f(gate, h)), f(up, h)) : tf.tanh(f(up, h));
        h = tf.add(h, f(down, hidden));
      }
      return tf.reshape(tf.matMul(tf.reshape(h, [-1, this.dims.hiddenSize]), tf.transpose(this.embedding)), [...batch.inputIds.shape, this.dims.vocabSize]);
    });
  }

  perExampleLoss(batch: ModelBatch): tf.Tensor1D {
    return tf.tidy(() => tf.mean(tf.square(tf.sub(this.logits(batch), 0.5)), [1, 2]) as tf.Tensor1D);
  }

  headParameters(): TrainableParameter[] {
    return [];
  }

  dispose(): void {
    this.embedding.dispose();
  }
}
