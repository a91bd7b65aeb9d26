/**
 * A stand-in PeftTargetModel for trainer tests: embeddings, L position-wise residual layers each with
 * a frozen dense W and a LoRA-shaped trainable pair (lora_A [r, d], lora_B [d, r]) read through
 * paramValue, dropout from the ForwardContext, mean pooling and a trainable classifier head. It
 * implements the optional forwardBottom/forwardTop hooks, and can be poisoned to produce a NaN loss
 * or NaN gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  Module,
  Rng,
  dropout,
  paramValue,
  peftTensorName,
  type ForwardContext,
  type ModelBatch,
  type ModelDims,
  type PeftAdapter,
  type PeftConfigBase,
  type PeftTargetModel,
  type TrainableParameter,
  type DecodedTensor,
} from '@fish-tuning/core';

function variable(t: tf.Tensor): tf.Variable {
  const v = tf.variable(t, true);
  t.dispose();
  return v;
}

function randn(rng: Rng, shape: number[], scale: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.normal() * scale;
  return tf.tensor(data, shape);
}

class TinyLayer extends Module {
  constructor(
    readonly w: tf.Tensor2D,
    readonly loraA: tf.Variable,
    readonly loraB: tf.Variable,
    readonly dropoutRate: number,
  ) {
    super();
  }
  forward(h: tf.Tensor, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const [b, t, d] = h.shape;
      const flat = tf.reshape(h, [b * t, d]) as tf.Tensor2D;
      const a = paramValue(this.loraA) as tf.Tensor2D;
      const bb = paramValue(this.loraB) as tf.Tensor2D;
      const delta = tf.matMul(tf.matMul(dropout(flat, this.dropoutRate, ctx) as tf.Tensor2D, tf.transpose(a)), tf.transpose(bb));
      const y = tf.tanh(tf.add(tf.matMul(flat, this.w), delta));
      return tf.reshape(tf.add(flat, dropout(y, this.dropoutRate, ctx)), [b, t, d]);
    });
  }
}

export interface TinyConfig {
  vocab?: number;
  hidden?: number;
  layers?: number;
  rank?: number;
  labels?: number;
  dropout?: number;
  /** Layers that get LoRA parameters (default all). */
  loraLayers?: number[];
}

export class TinyModel extends Module implements PeftTargetModel {
  readonly family = 'bert' as const;
  readonly task = 'classification' as const;
  readonly modelType = 'tiny';
  readonly dims: ModelDims;
  prefix = null;
  readonly embed: tf.Tensor2D;
  readonly layers: TinyLayer[];
  readonly classifier: tf.Variable;
  readonly classifierBias: tf.Variable;
  readonly loraLayers: number[];
  /** Test hooks: a NaN loss, or a NaN gradient in one layer's lora_A. */
  poison: null | 'loss' | { gradLayer: number } = null;
  bottomCalls = 0;

  constructor(config: TinyConfig = {}, seed = 0) {
    super();
    const rng = new Rng(seed);
    const vocab = config.vocab ?? 32;
    const d = config.hidden ?? 8;
    const L = config.layers ?? 3;
    const r = config.rank ?? 2;
    const labels = config.labels ?? 3;
    this.loraLayers = config.loraLayers ?? Array.from({ length: L }, (_, i) => i);
    this.dims = { numLayers: L, hiddenSize: d, numHeads: 1, numKvHeads: 1, headDim: d, intermediateSize: d, vocabSize: vocab };
    this.embed = randn(rng, [vocab, d], 1) as tf.Tensor2D;
    this.layers = Array.from({ length: L }, () => {
      const w = randn(rng, [d, d], 0.5) as tf.Tensor2D;
      const a = variable(randn(rng, [r, d], 0.3));
      const b = variable(randn(rng, [d, r], 0.3));
      return new TinyLayer(w, a, b, config.dropout ?? 0);
    });
    this.classifier = variable(randn(rng, [d, labels], 0.3));
    this.classifierBias = variable(tf.zeros([labels]));
  }

  layerPath(i: number): string {
    return `layers.${i}`;
  }

  loraParameters(): TrainableParameter[] {
    return this.loraLayers.flatMap((i) => {
      const layer = this.layers[i];
      const module = this.layerPath(i);
      return [
        { name: peftTensorName(module, 'lora_A.weight'), variable: layer.loraA, module, role: 'lora_A', layer: i, fishCandidate: true },
        { name: peftTensorName(module, 'lora_B.weight'), variable: layer.loraB, module, role: 'lora_B', layer: i, fishCandidate: true },
      ];
    });
  }

  headParameters(): TrainableParameter[] {
    return [
      { name: 'classifier.weight', variable: this.classifier, module: 'classifier', role: 'head', layer: null, fishCandidate: false },
      { name: 'classifier.bias', variable: this.classifierBias, module: 'classifier', role: 'head', layer: null, fishCandidate: false },
    ];
  }

  forwardBottom(batch: ModelBatch, upToLayer: number): tf.Tensor {
    this.bottomCalls += 1;
    return tf.tidy(() => {
      let h: tf.Tensor = tf.gather(this.embed, batch.inputIds);
      for (let i = 0; i < upToLayer; i++) h = this.layers[i].forward(h, undefined);
      return h;
    });
  }

  forwardTop(hidden: tf.Tensor, batch: ModelBatch, fromLayer: number, ctx?: ForwardContext): tf.Tensor1D {
    return tf.tidy(() => {
      let h = hidden;
      for (let i = fromLayer; i < this.layers.length; i++) h = this.layers[i].forward(h, ctx);
      return this.lossFromHidden(h, batch);
    });
  }

  private pooledLogits(h: tf.Tensor, batch: ModelBatch): tf.Tensor2D {
    const mask = tf.expandDims(tf.cast(batch.attentionMask ?? tf.onesLike(batch.inputIds), 'float32'), 2);
    const pooled = tf.div(tf.sum(tf.mul(h, mask), 1), tf.sum(mask, 1)) as tf.Tensor2D;
    return tf.add(tf.matMul(pooled, this.classifier), this.classifierBias) as tf.Tensor2D;
  }

  private lossFromHidden(h: tf.Tensor, batch: ModelBatch): tf.Tensor1D {
    const logits = this.pooledLogits(h, batch);
    const labels = tf.cast(tf.oneHot(batch.labels as tf.Tensor1D, logits.shape[1]), 'float32');
    let per: tf.Tensor = tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), 1));
    if (this.poison === 'loss') per = tf.add(per, tf.scalar(NaN));
    else if (this.poison) {
      const a = this.layers[this.poison.gradLayer].loraA;
      per = tf.add(per, tf.mul(tf.sum(tf.sqrt(tf.sub(a, a))), tf.scalar(0)));
    }
    return per as tf.Tensor1D;
  }

  logits(batch: ModelBatch, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      let h: tf.Tensor = tf.gather(this.embed, batch.inputIds);
      for (const layer of this.layers) h = layer.forward(h, ctx);
      return this.pooledLogits(h, batch);
    });
  }

  perExampleLoss(batch: ModelBatch, ctx?: ForwardContext): tf.Tensor1D {
    return tf.tidy(() => {
      let h: tf.Tensor = tf.gather(this.embed, batch.inputIds);
      for (const layer of this.layers) h = layer.forward(h, ctx);
      return this.lossFromHidden(h, batch);
    });
  }

  dispose(): void {
    this.embed.dispose();
    for (const l of this.layers) {
      l.w.dispose();
      l.loraA.dispose();
      l.loraB.dispose();
    }
    this.classifier.dispose();
    this.classifierBias.dispose();
  }
}

/** A PeftAdapter view of the tiny model's LoRA parameters (for saveAdapter in checkpoints). */
export function tinyAdapter(model: TinyModel): PeftAdapter {
  const config: PeftConfigBase = { peft_type: 'LORA', r: model.layers[0].loraA.shape[0], lora_alpha: 1, target_modules: ['layers'] };
  return {
    config,
    model,
    targetedModules: model.loraLayers.map((i) => model.layerPath(i)),
    trainableParameters: () => model.loraParameters(),
    stateDict: () => new Map(model.loraParameters().map((p) => [p.name, p.variable as tf.Tensor])),
    loadStateDict: (tensors: Map<string, DecodedTensor>) => {
      for (const p of model.loraParameters()) {
        const t = tensors.get(p.name)!;
        p.variable.assign(tf.tensor(t.data as Float32Array, t.shape));
      }
    },
    dispose: () => undefined,
  };
}

/** Random classification examples with varying lengths. */
export function tinyData(n: number, seed = 1, vocab = 32, labels = 3, maxLen = 7): Array<{ inputIds: number[]; labels: number }> {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const len = 2 + rng.int(maxLen - 1);
    const inputIds = Array.from({ length: len }, () => rng.int(vocab));
    return { inputIds, labels: inputIds[0] % labels };
  });
}

/** A deterministic random 0/1 mask per parameter keeping about `ratio` of the entries. */
export function randomMasks(params: readonly TrainableParameter[], ratio: number, seed = 7): Map<string, tf.Tensor> {
  const rng = new Rng(seed);
  return new Map(
    params.map((p) => {
      const data = new Float32Array(p.variable.size);
      for (let i = 0; i < data.length; i++) data[i] = rng.next() < ratio ? 1 : 0;
      return [p.name, tf.tensor(data, p.variable.shape)];
    }),
  );
}

export async function values(params: readonly TrainableParameter[]): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const p of params) out.set(p.name, (await p.variable.data()) as Float32Array);
  return out;
}
