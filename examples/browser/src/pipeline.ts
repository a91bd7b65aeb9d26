/**
 * The one place where the page calls the FISH method: Fisher → mask → masked training, with progress
 * callbacks. Everything else (stories.ts, classify.ts, the page) goes through {@link fishTuneRun}, so
 * that moving onto the library's `fishTune()` touches this file only. DOM-free and backend-free: the
 * headless test and Node run the same code as the page.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, type ModelBatch, type PeftAdapter, type PeftTargetModel, type TrainableParameter } from '@fish-tuning/core';
import { computeFisher, disposeBatch, exampleData, fisherToBytes, type TokenizedExample } from '@fish-tuning/fisher';
import { maskToTensors, maskedAdamWUpdate, scoresFromTensors, selectMask, type AdamWMoments, type Mask, type MaskSelection, type ScoreMap } from '@fish-tuning/mask';

/** A model the pipeline can train: PEFT target plus per-example loss and head parameters. */
export type TrainableModel = PeftTargetModel & {
  readonly task: 'causal-lm' | 'classification' | 'regression';
  perExampleLoss(batch: ModelBatch, ctx?: { training: boolean }): tf.Tensor1D;
  headParameters(): TrainableParameter[];
};

export type Phase = 'fisher' | 'mask' | 'train';

export interface PipelineProgress {
  phase: Phase;
  /** Units done (samples for Fisher, steps for training) out of `total`. */
  done: number;
  total: number;
  /** Training loss of the step just done (train phase only). */
  loss?: number;
  /** The mask, once selected (mask phase only). */
  mask?: Mask;
}

export interface FishTuneOptions {
  model: TrainableModel;
  /** An adapter already injected into `model` (the caller picks the method and init). */
  adapter: PeftAdapter;
  train: readonly TokenizedExample[];
  /** 'fish' (top-k Fisher), 'random' (the paper's control), or 'none' (dense). */
  selection: MaskSelection | 'none';
  /** Fraction of the PEFT entries trained. */
  ratio: number;
  steps: number;
  lr: number;
  /** Examples per step (cycled in order); default all of them (full batch). */
  batchSize?: number;
  /** Fisher samples; default all training examples. */
  fisherSamples?: number;
  /** Also train the model's head (classification) densely. */
  trainHead?: boolean;
  seed?: number;
  onProgress?: (p: PipelineProgress) => void | Promise<void>;
}

export interface FishTuneResult {
  mask: Mask | null;
  /** fish_fisher.safetensors bytes (null for random / none). */
  fisherBytes: Uint8Array | null;
  /** Loss of each step (before its update), then the loss after the last update. */
  losses: number[];
}

const yieldToPage = () => new Promise((r) => setTimeout(r, 0));

function batches(n: number, batchSize: number): (step: number) => number[] {
  return (step) => Array.from({ length: Math.min(batchSize, n) }, (_, j) => ((step - 1) * batchSize + j) % n);
}

/** Zero AdamW moments (mask's adamWMoments leaves its two zerosLike temporaries behind). */
function zeroMoments(v: tf.Variable): AdamWMoments {
  const zero = () => {
    const z = tf.zerosLike(v);
    const out = tf.variable(z, false);
    z.dispose();
    return out;
  };
  return { m: zero(), v: zero() };
}

/** Fisher (or random scores) → mask → `steps` masked AdamW updates. The model keeps the trained adapter. */
export async function fishTuneRun(o: FishTuneOptions): Promise<FishTuneResult> {
  const { model, adapter, selection, ratio, steps, lr, seed = 0, onProgress } = o;
  if (o.train.length === 0) throw new FishTuningError('no training examples', { option: 'train' });
  if (!Number.isInteger(steps) || steps < 1) throw new FishTuningError(`steps must be a positive integer, got ${steps}`, { option: 'steps' });
  const data = exampleData(o.train, { task: model.task, padTokenId: 0 });
  const candidates = adapter.trainableParameters().filter((p) => p.fishCandidate);
  const params = [...adapter.trainableParameters(), ...(o.trainHead ? model.headParameters() : [])];

  let mask: Mask | null = null;
  let fisherBytes: Uint8Array | null = null;
  if (selection !== 'none') {
    let scores: ScoreMap;
    if (selection === 'random') {
      scores = new Map(candidates.map((p) => [p.name, { shape: [...p.variable.shape], data: new Float32Array(p.variable.size) }]));
    } else {
      const samples = Math.min(o.fisherSamples ?? o.train.length, o.train.length);
      await onProgress?.({ phase: 'fisher', done: 0, total: samples });
      const fisher = await computeFisher(model, candidates, data, {
        indices: Array.from({ length: samples }, (_, i) => i),
        estimator: 'empirical',
        // One chunk shape for every chunk (WebGPU compiles per shape); progress per chunk.
        chunkSize: Math.min(o.batchSize ?? samples, samples),
        onProgress: (p) => void onProgress?.({ phase: 'fisher', done: p.done, total: p.total }),
      });
      try {
        scores = await scoresFromTensors(fisher.scores);
        fisherBytes = await fisherToBytes(fisher, { source: 'fish-tuning browser example' });
      } finally {
        fisher.dispose();
      }
    }
    mask = selectMask(scores, { ratio, selection, seed, metadata: { source: selection === 'fish' ? 'empirical Fisher' : 'random' } });
    await onProgress?.({ phase: 'mask', done: 1, total: 1, mask });
  }

  const maskTensors = mask ? maskToTensors(mask) : new Map<string, tf.Tensor>();
  const moments: AdamWMoments[] = params.map((p) => zeroMoments(p.variable));
  const vars = params.map((p) => p.variable);
  const pick = batches(o.train.length, o.batchSize ?? o.train.length);
  const ctx = { training: false };
  const losses: number[] = [];
  try {
    await onProgress?.({ phase: 'train', done: 0, total: steps });
    for (let step = 1; step <= steps; step++) {
      const batch = data.batch(pick(step));
      try {
        const { value, grads } = tf.variableGrads(() => tf.mean(model.perExampleLoss(batch, ctx)) as tf.Scalar, vars);
        const loss = (await value.data())[0];
        value.dispose();
        params.forEach((p, i) => maskedAdamWUpdate(p.variable, grads[p.variable.name], moments[i], maskTensors.get(p.name) ?? null, step, { lr }));
        tf.dispose(Object.values(grads));
        losses.push(loss);
      } finally {
        disposeBatch(batch);
      }
      await onProgress?.({ phase: 'train', done: step, total: steps, loss: losses[step - 1] });
      await yieldToPage();
    }
    const last = data.batch(pick(steps));
    const final = tf.tidy(() => tf.mean(model.perExampleLoss(last, ctx)));
    losses.push((await final.data())[0]);
    final.dispose();
    disposeBatch(last);
  } finally {
    tf.dispose([...maskTensors.values()]);
    for (const m of moments) tf.dispose([m.m, m.v]);
  }
  return { mask, fisherBytes, losses };
}
