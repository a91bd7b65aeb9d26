/**
 * A stand-in PEFT target for tests: a tiny residual MLP over token embeddings with core `Linear`s,
 * wrapped by LoRA-like and (IA)^3-like layers that read their Variables through core's paramValue
 * (so they accept per-sample [b, ...S] overrides). Tasks: classification, regression, causal LM.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  EVAL_CONTEXT,
  Linear,
  Module,
  matmulWeight,
  paramValue,
  peftTensorName,
  perSampleBroadcast,
  type ForwardContext,
  type LinearLike,
  type ModelBatch,
  type ModelDims,
  type ModelTask,
  type PeftTargetModel,
  type PrefixSource,
  type TrainableParameter,
} from '@fish-tuning/core';

function randn(shape: number[], seed: number, std = 0.5): tf.Tensor {
  return tf.randomNormal(shape, 0, std, 'float32', seed);
}

export class ToyLora extends Module implements LinearLike {
  readonly A: tf.Variable;
  readonly B: tf.Variable;
  constructor(
    readonly base: Linear,
    r: number,
    seed: number,
    readonly scale = 2,
  ) {
    super();
    this.A = tf.variable(randn([r, base.inFeatures], seed, 0.4));
    // Non-zero B so that A's gradient is non-zero too.
    this.B = tf.variable(randn([base.outFeatures, r], seed + 1, 0.4));
  }
  get inFeatures(): number {
    return this.base.inFeatures;
  }
  get outFeatures(): number {
    return this.base.outFeatures;
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(this.base.forward(x), tf.mul(matmulWeight(matmulWeight(x, paramValue(this.A)), paramValue(this.B)), this.scale)));
  }
}

export class ToyIa3 extends Module implements LinearLike {
  readonly l: tf.Variable;
  constructor(
    readonly base: Linear,
    seed: number,
  ) {
    super();
    this.l = tf.variable(tf.tidy(() => tf.add(1, randn([base.outFeatures], seed, 0.2))));
  }
  get inFeatures(): number {
    return this.base.inFeatures;
  }
  get outFeatures(): number {
    return this.base.outFeatures;
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const y = this.base.forward(x);
      return tf.mul(y, perSampleBroadcast(paramValue(this.l), y));
    });
  }
}

/** A layer that reads its variable directly (ignores overrides) and rejects per-sample shapes: for the fallback test. */
export class BrokenPerSample extends Module implements LinearLike {
  readonly l: tf.Variable;
  constructor(readonly base: Linear) {
    super();
    this.l = tf.variable(tf.ones([base.outFeatures]));
  }
  get inFeatures(): number {
    return this.base.inFeatures;
  }
  get outFeatures(): number {
    return this.base.outFeatures;
  }
  forward(x: tf.Tensor): tf.Tensor {
    const v = paramValue(this.l);
    if (v.rank !== 1) throw new Error('BrokenPerSample: per-sample parameters are not supported');
    return tf.tidy(() => tf.mul(this.base.forward(x), v));
  }
}

export class ToyBlock extends Module {
  constructor(
    public fc1: LinearLike,
    public fc2: LinearLike,
  ) {
    super();
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(x, this.fc2.forward(tf.tanh(this.fc1.forward(x)))));
  }
}

export interface ToyOptions {
  task: ModelTask;
  vocab?: number;
  hidden?: number;
  inner?: number;
  layers?: number;
  numLabels?: number;
  seed?: number;
}

export class ToyModel extends Module implements PeftTargetModel {
  readonly family = 'llama' as const;
  readonly modelType = 'toy';
  readonly task: ModelTask;
  readonly dims: ModelDims;
  prefix: PrefixSource | null = null;
  embed: tf.Tensor2D;
  layers: ToyBlock[];
  head: Linear;

  constructor(o: ToyOptions) {
    super();
    const seed = o.seed ?? 1;
    const vocab = o.vocab ?? 13;
    const d = o.hidden ?? 6;
    const h = o.inner ?? 10;
    const n = o.layers ?? 2;
    this.task = o.task;
    this.dims = { numLayers: n, hiddenSize: d, numHeads: 1, numKvHeads: 1, headDim: d, intermediateSize: h, vocabSize: vocab };
    this.embed = randn([vocab, d], seed, 1) as tf.Tensor2D;
    this.layers = Array.from(
      { length: n },
      (_, i) => new ToyBlock(new Linear(randn([d, h], seed + 10 * i + 1) as tf.Tensor2D), new Linear(randn([h, d], seed + 10 * i + 2) as tf.Tensor2D)),
    );
    const out = o.task === 'causal-lm' ? vocab : o.task === 'regression' ? 1 : (o.numLabels ?? 3);
    this.head = new Linear(randn([d, out], seed + 99) as tf.Tensor2D, tf.zeros([out]) as tf.Tensor1D);
  }

  layerPath(i: number): string {
    return `layers.${i}`;
  }

  private hidden(batch: ModelBatch): tf.Tensor3D {
    let x: tf.Tensor = tf.gather(this.embed, batch.inputIds);
    for (const layer of this.layers) x = layer.forward(x);
    return x as tf.Tensor3D;
  }

  logits(batch: ModelBatch, _ctx: ForwardContext = EVAL_CONTEXT): tf.Tensor {
    return tf.tidy(() => {
      const x = this.hidden(batch);
      if (this.task === 'causal-lm') return this.head.forward(x);
      const mask = tf.expandDims(tf.cast(batch.attentionMask ?? tf.onesLike(batch.inputIds), 'float32'), 2);
      const pooled = tf.div(tf.sum(tf.mul(x, mask), 1), tf.sum(mask, 1));
      const y = this.head.forward(pooled);
      return this.task === 'regression' ? tf.reshape(y, [-1]) : y;
    });
  }

  perExampleLoss(batch: ModelBatch, ctx: ForwardContext = EVAL_CONTEXT): tf.Tensor1D {
    return tf.tidy(() => {
      const logits = this.logits(batch, ctx);
      const labels = batch.labels!;
      if (this.task === 'regression') return tf.square(tf.sub(logits, labels)) as tf.Tensor1D;
      if (this.task === 'classification') {
        const logp = tf.logSoftmax(logits);
        return tf.neg(tf.sum(tf.mul(logp, tf.cast(tf.oneHot(labels as tf.Tensor1D, logits.shape[1]!), 'float32')), 1)) as tf.Tensor1D;
      }
      const [b, t, v] = logits.shape as [number, number, number];
      const logp = tf.logSoftmax(tf.slice(logits, [0, 0, 0], [b, t - 1, v]));
      const target = tf.slice(labels, [0, 1], [b, t - 1]) as tf.Tensor2D;
      const valid = tf.cast(tf.notEqual(target, -100), 'float32');
      // oneHot is int32: cast it, since a float×int mul breaks the Cast gradient in tfjs 4.22.
      const oneHot = tf.cast(tf.oneHot(tf.maximum(target, tf.scalar(0, 'int32')) as tf.Tensor2D, v), 'float32');
      const tokenLoss = tf.neg(tf.sum(tf.mul(logp, oneHot), 2));
      return tf.div(tf.sum(tf.mul(tokenLoss, valid), 1), tf.maximum(tf.sum(valid, 1), 1)) as tf.Tensor1D;
    });
  }

  headParameters(): TrainableParameter[] {
    return [];
  }

  dispose(): void {
    this.embed.dispose();
    for (const l of this.layers) {
      for (const m of [l.fc1, l.fc2] as any[]) {
        (m.base ?? m).dispose();
        for (const v of [m.A, m.B, m.l]) v?.dispose();
      }
    }
    this.head.dispose();
  }
}

/** Wraps fc1 with LoRA and fc2 with (IA)^3 in every layer; returns PEFT-named parameters. */
export function injectToy(model: ToyModel, kinds: { fc1?: 'lora' | 'ia3' | 'broken'; fc2?: 'lora' | 'ia3' | 'broken' } = { fc1: 'lora', fc2: 'ia3' }): TrainableParameter[] {
  const params: TrainableParameter[] = [];
  model.layers.forEach((layer, i) => {
    for (const slot of ['fc1', 'fc2'] as const) {
      const kind = kinds[slot];
      if (!kind) continue;
      const path = `layers.${i}.${slot}`;
      const base = layer[slot] as Linear;
      const seed = 1000 + 17 * i + (slot === 'fc1' ? 0 : 7);
      if (kind === 'lora') {
        const m = new ToyLora(base, 2, seed);
        layer[slot] = m;
        params.push({ name: peftTensorName(path, 'lora_A.weight'), variable: m.A, module: path, role: 'lora_A', layer: i, fishCandidate: true });
        params.push({ name: peftTensorName(path, 'lora_B.weight'), variable: m.B, module: path, role: 'lora_B', layer: i, fishCandidate: true });
      } else if (kind === 'ia3') {
        const m = new ToyIa3(base, seed);
        layer[slot] = m;
        params.push({ name: peftTensorName(path, 'ia3_l'), variable: m.l, module: path, role: 'ia3_l', layer: i, fishCandidate: true });
      } else {
        const m = new BrokenPerSample(base);
        layer[slot] = m;
        params.push({ name: peftTensorName(path, 'broken_l'), variable: m.l, module: path, role: 'broken', layer: i, fishCandidate: true });
      }
    }
  });
  return params;
}

/** Deterministic toy examples: token ids, and a label fitting the task. Lengths vary (padding is exercised). */
export function toyExamples(task: ModelTask, count: number, vocab = 13, numLabels = 3, seed = 5) {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  return Array.from({ length: count }, () => {
    const len = 3 + Math.floor(next() * 5);
    const inputIds = Array.from({ length: len }, () => Math.floor(next() * vocab));
    if (task === 'causal-lm') return { inputIds, labels: inputIds.map((t, j) => (j === 0 ? -100 : t)) };
    if (task === 'regression') return { inputIds, labels: next() * 5 };
    return { inputIds, labels: Math.floor(next() * numLabels) };
  });
}
