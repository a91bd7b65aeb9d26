/**
 * The training loop: seeded data order → token-bounded micro-batches → accumulated gradients →
 * masked global-norm clipping → masked optimizer update, with evaluation, early stopping, atomic
 * checkpoints and exact resume (the state after update s depends only on the checkpoint of step s).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  FishTuningError,
  MASK_SIDECAR_NAME,
  Rng,
  collate,
  disposeBatch,
  exampleLength,
  toTensor,
  type Example,
  type ForwardContext,
  type ModelBatch,
  type TrainableParameter,
} from '@fish-tuning/core';
import { epochOrder, microBatches } from './batching.js';
import { learningRateSchedule } from './schedule.js';
import { MaskedAdamW } from './adamw.js';
import { MaskedSGD } from './sgd.js';
import type { Optimizer } from './optimizer.js';
import { accumulate, clipScale, firstNonFinite, maskedNormSquared } from './gradients.js';
import { FrozenPrefixCache, MemoryActivationStore, frozenPrefixLayer, type ActivationStore } from './activation-cache.js';
import { TRAINER_STATE_FORMAT, TRAINABLE_NAME, OPTIMIZER_NAME, type TrainerState } from './state.js';
import { CACHE_MODES, OPTIMIZERS, type LogRecord, type StepRecord, type TrainOptions, type TrainResult } from './options.js';

/** Raised when a loss or gradient is NaN/Inf: names the update (1-based) and the tensor; nothing was applied. */
export class NonFiniteError extends FishTuningError {
  constructor(readonly step: number, what: string, tensor?: string, problem = 'is not finite') {
    super(`step ${step}: ${what} ${problem}; training stopped, the last checkpoint is kept`, tensor ? { tensor } : {});
    this.name = 'NonFiniteError';
  }
}

/** Largest parameter magnitude treated as sane: trained weights are O(1); beyond this float32 math saturates. */
const DIVERGED_MAGNITUDE = 1e8;

function positiveInt(value: number | undefined, fallback: number, option: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new FishTuningError(`must be a positive integer, got ${v}`, { option });
  return v;
}

function heapBytes(): number | undefined {
  const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm;
  return wasm?.HEAPU8?.byteLength;
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  const { model, adapter } = options;
  const examples = options.train;
  if (examples.length === 0) throw new FishTuningError('no training examples', { option: 'train' });
  const optimizerName = options.optimizer ?? 'adamw';
  if (!OPTIMIZERS.includes(optimizerName)) throw new FishTuningError(`unknown optimizer '${optimizerName}'; accepted: ${OPTIMIZERS.join(', ')}`, { option: 'optimizer' });
  const cacheMode = options.activationCache ?? 'auto';
  if (!CACHE_MODES.includes(cacheMode)) throw new FishTuningError(`unknown activation cache '${cacheMode}'; accepted: ${CACHE_MODES.join(', ')}`, { option: 'activationCache' });
  const batchSize = positiveInt(options.batchSize, 8, 'batchSize');
  const accumulation = positiveInt(options.gradAccumulation, 1, 'gradAccumulation');
  const seed = options.seed ?? 0;
  const perStep = batchSize * accumulation;
  const stepsPerEpoch = Math.ceil(examples.length / perStep);
  const totalSteps = options.maxSteps !== undefined ? positiveInt(options.maxSteps, 1, 'maxSteps') : positiveInt(options.epochs, 1, 'epochs') * stepsPerEpoch;
  const maxTokens = options.maxTokensPerMicroBatch ?? 1024;
  const evalEvery = options.evalEvery ?? 'epoch';
  if (evalEvery !== 'epoch') positiveInt(evalEvery, 1, 'evalEvery');
  const lrAt = learningRateSchedule({ schedule: options.schedule ?? 'linear', lr: options.lr ?? 1e-3, totalSteps, warmupRatio: options.warmupRatio });

  const params: readonly TrainableParameter[] = options.parameters ?? [...(adapter?.trainableParameters() ?? []), ...model.headParameters()];
  if (params.length === 0) throw new FishTuningError('nothing to train: no adapter parameters and no head', { option: 'parameters' });
  const nameOf = new Map(params.map((p) => [p.variable.name, p.name]));
  const varList = params.map((p) => p.variable);

  // Resume: weights, masks, optimizer moments, RNG and position come from the checkpoint.
  const storage = options.storage ?? null;
  if (options.resume && !storage) throw new FishTuningError('resume needs a storage (or outDir in @fish-tuning/trainer/node)', { option: 'resume' });
  const loaded = options.resume && storage ? await storage.loadCheckpoint() : null;
  let masks = options.masks ?? null;
  let ownMasks: Map<string, tf.Tensor> | null = null;
  if (loaded?.masks) {
    ownMasks = new Map([...loaded.masks].map(([n, t]) => [n, toTensor(t, undefined, { file: `${loaded.dir}/${MASK_SIDECAR_NAME}`, tensor: n })]));
    if (masks) await checkSameMasks(masks, ownMasks, `${loaded.dir}/${MASK_SIDECAR_NAME}`);
    masks = ownMasks;
  }
  if (loaded) {
    if (loaded.state.seed !== seed || loaded.state.stepsPerEpoch !== stepsPerEpoch) {
      throw new FishTuningError(`checkpoint was made with seed ${loaded.state.seed} and ${loaded.state.stepsPerEpoch} steps per epoch; this run has seed ${seed} and ${stepsPerEpoch}`, { file: loaded.dir, option: 'resume' });
    }
    const file = `${loaded.dir}/${TRAINABLE_NAME}`;
    for (const p of params) {
      const t = loaded.trainable.get(p.name);
      if (!t) throw new FishTuningError('missing trained tensor in the checkpoint', { file, tensor: p.name });
      tf.tidy(() => p.variable.assign(toTensor(t, p.variable.shape, { file, tensor: p.name })));
    }
    if (loaded.state.step >= totalSteps || loaded.state.stoppedEarly) {
      // A finished run: nothing to train, and nothing stored is touched (log, checkpoint, metrics stay as they are).
      if (ownMasks) for (const m of ownMasks.values()) m.dispose();
      return finishedResult(loaded.state, (await storage!.loadResult?.()) ?? null);
    }
  }

  const optimizer: Optimizer =
    optimizerName === 'adamw'
      ? new MaskedAdamW(params, masks, { beta1: options.beta1, beta2: options.beta2, eps: options.eps, weightDecay: options.weightDecay, sparseState: options.sparseState })
      : new MaskedSGD(params, masks, { weightDecay: options.weightDecay });
  const rng = new Rng(loaded ? loaded.state.rng : seed);
  const state: TrainerState = loaded
    ? loaded.state
    : {
        format: TRAINER_STATE_FORMAT,
        version: 1,
        step: 0,
        totalSteps,
        stepsPerEpoch,
        seed,
        rng: rng.state(),
        optimizer: { kind: optimizerName, updates: 0, sparseState: options.sparseState ?? true },
        evals: [],
        best: null,
        badEvals: 0,
        tokens: 0,
      };
  if (loaded) {
    optimizer.loadState(loaded.optimizer, state.optimizer.updates, `${loaded.dir}/${OPTIMIZER_NAME}`);
    state.totalSteps = totalSteps;
  }

  const log = storage ? await storage.openLog(loaded ? state.step : 0) : null;
  const emit = async (r: LogRecord) => {
    options.onLog?.(r);
    await log?.append(r);
  };

  const cacheLayer = cacheMode === 'off' ? null : frozenPrefixLayer(model, params);
  if ((cacheMode === 'memory' || cacheMode === 'disk') && cacheLayer === null) {
    throw new FishTuningError('the frozen-prefix cache needs a model with forwardBottom/forwardTop, no prefix, and PEFT parameters only in layers ≥ 1', { option: 'activationCache' });
  }
  const cacheBytes = options.cacheMaxBytes ?? 2 ** 30;
  let store: ActivationStore | null = null;
  if (cacheLayer !== null) {
    if (cacheMode === 'disk') {
      if (!options.diskCache) throw new FishTuningError("the 'disk' activation cache needs diskCache (given by train in @fish-tuning/trainer/node)", { option: 'activationCache' });
      store = options.diskCache(cacheBytes);
    } else store = new MemoryActivationStore(cacheBytes);
  }
  const cache = cacheLayer === null ? null : new FrozenPrefixCache(model, cacheLayer, store!, examples, maxTokens, options.padTokenId);

  const ctx: ForwardContext = options.dropout === false ? { training: false } : { training: true, random: () => rng.next() };
  const resumedFrom = loaded ? state.step : null;
  let lastLoss: number | null = null;
  let stoppedEarly = state.stoppedEarly ?? false;
  await emit({ type: 'start', step: state.step, totalSteps, resumed: loaded !== null, cacheLayer, optimizerStateBytes: optimizer.stateBytes() });

  const snapshot = async (name: string) => {
    state.rng = rng.state();
    state.optimizer = { kind: optimizer.kind, updates: optimizer.updates, sparseState: options.sparseState ?? true };
    const dir = await storage!.saveCheckpoint(name, {
      state,
      trainable: new Map(params.map((p) => [p.name, p.variable as tf.Tensor])),
      optimizer: optimizer.stateTensors(),
      masks,
      adapter,
    });
    await emit({ type: 'checkpoint', step: state.step, dir });
  };

  const evaluateNow = async () => {
    if (!options.evaluate) return;
    const epoch = state.step / stepsPerEpoch;
    const metrics = await options.evaluate({ step: state.step, epoch });
    const record = { step: state.step, epoch, metrics };
    state.evals.push(record);
    await emit({ type: 'eval', ...record });
    const metric = options.metric ?? Object.keys(metrics)[0];
    const value = metrics[metric];
    if (typeof value !== 'number') throw new FishTuningError(`evaluate() returned no '${metric}' (got ${Object.keys(metrics).join(', ')})`, { option: 'metric' });
    const greater = options.greaterIsBetter ?? true;
    if (!state.best || (greater ? value > state.best.value : value < state.best.value)) {
      state.best = { step: state.step, metric, value };
      state.badEvals = 0;
      if (storage) await snapshot('best');
    } else {
      state.badEvals += 1;
      if (options.patience != null && state.badEvals >= options.patience) stoppedEarly = state.stoppedEarly = true;
    }
  };

  let orderEpoch = -1;
  let order: number[] = [];
  try {
    while (state.step < totalSteps && !stoppedEarly) {
      const started = performance.now();
      const epoch = Math.floor(state.step / stepsPerEpoch);
      if (epoch !== orderEpoch) {
        order = epochOrder(examples.length, seed, epoch, options.shuffle ?? true);
        orderEpoch = epoch;
      }
      const inEpoch = state.step % stepsPerEpoch;
      const ids = order.slice(inEpoch * perStep, (inEpoch + 1) * perStep);
      const tagged = ids.map((id) => ({ ...examples[id], id }));
      const denominator = tf.scalar(ids.length);
      const grads = new Map<string, tf.Tensor>();
      let record: StepRecord | null = null;
      let lossSum: tf.Tensor = tf.scalar(0);
      let tokens = 0;
      try {
        for (const micro of microBatches(tagged, maxTokens)) {
          tokens += micro.reduce((n, e) => n + exampleLength(e), 0);
          const batch: ModelBatch = collate(micro, model.task, { padTokenId: options.padTokenId ?? 0 });
          const hidden = cache ? cache.hidden(micro.map((e) => e.id)) : null;
          try {
            const { value, grads: g } = tf.variableGrads(() => {
              const per = hidden ? cache!.model.forwardTop(hidden, batch, cache!.fromLayer, ctx) : model.perExampleLoss(batch, ctx);
              return tf.div(tf.sum(per), denominator) as tf.Scalar;
            }, varList);
            accumulate(grads, g, nameOf);
            const next = tf.add(lossSum, value);
            lossSum.dispose();
            value.dispose();
            lossSum = next;
          } finally {
            hidden?.dispose();
            disposeBatch(batch);
          }
        }
        const stepNo = state.step + 1;
        const normSq = maskedNormSquared(grads, optimizer.params);
        // Read asynchronously: a synchronous read on WebGPU returns zeros and breaks the device (headless Chromium).
        const both = tf.tidy(() => tf.stack([lossSum, normSq]));
        const [loss, nsq] = await both.data();
        both.dispose();
        normSq.dispose();
        if (!Number.isFinite(loss)) throw new NonFiniteError(stepNo, `the loss (${loss})`);
        if (!Number.isFinite(nsq)) throw new NonFiniteError(stepNo, 'a gradient', firstNonFinite(grads) ?? undefined);
        const norm = Math.sqrt(nsq);
        const lr = lrAt(state.step);
        optimizer.apply(grads, lr, clipScale(norm, options.clipNorm === undefined ? 1 : options.clipNorm));
        // A finite loss and gradient can still step the parameters to ±Inf/NaN, or to magnitudes where float32
        // products saturate and the loss stops carrying information (SGD at lr 1e30 "converged" to ln(vocab) with
        // zero gradients): stop here, before any checkpoint could keep them, so the last one on disk is sane.
        // Read asynchronously too (see above): WebGPU breaks on a synchronous read.
        const statsTensor = tf.tidy(() => tf.stack(params.map((p) => tf.stack([tf.cast(tf.all(tf.isFinite(p.variable)), 'float32'), tf.max(tf.abs(p.variable))]))));
        const stats = await statsTensor.data();
        statsTensor.dispose();
        const badParam = params.findIndex((_, i) => !stats[2 * i] || stats[2 * i + 1] > DIVERGED_MAGNITUDE);
        if (badParam >= 0) {
          const problem = stats[2 * badParam] ? `diverged (|value| reached ${stats[2 * badParam + 1].toExponential(2)})` : 'is not finite';
          throw new NonFiniteError(stepNo, `a parameter after the update (learning rate ${lr} too high?)`, params[badParam].name, problem);
        }
        state.step = stepNo;
        state.tokens += tokens;
        lastLoss = loss;
        const stepMs = performance.now() - started;
        const mem = tf.memory();
        record = {
          type: 'step',
          step: stepNo,
          totalSteps,
          epoch: stepNo / stepsPerEpoch,
          loss,
          lr,
          gradNorm: norm,
          tokens,
          tokensPerSecond: tokens / (stepMs / 1000),
          stepMs,
          tensorBytes: mem.numBytes,
          numTensors: mem.numTensors,
          heapBytes: heapBytes(),
        };
        await emit(record);
      } finally {
        denominator.dispose();
        lossSum.dispose();
        for (const g of grads.values()) g.dispose();
      }
      if (record) await options.onStep?.(record);
      const epochEnd = state.step % stepsPerEpoch === 0;
      const evalDue = evalEvery === 'epoch' ? epochEnd : state.step % evalEvery === 0;
      if (evalDue || state.step === totalSteps) {
        if (!state.evals.some((e) => e.step === state.step)) await evaluateNow();
      }
      if (storage && options.checkpointEvery && state.step % options.checkpointEvery === 0 && state.step < totalSteps && !stoppedEarly) {
        await snapshot('checkpoint');
      }
    }
    if (stoppedEarly) await emit({ type: 'stop', step: state.step, reason: `no improvement of '${state.best?.metric}' in ${options.patience} evaluations` });
    if (storage) {
      await snapshot('checkpoint');
      if (adapter) await storage.saveAdapter(adapter);
      if (masks && masks.size && options.writeMask !== false) await storage.saveMasks(masks);
    }
    const result: TrainResult = {
      steps: state.step,
      totalSteps,
      lastLoss,
      evals: state.evals,
      best: state.best,
      stoppedEarly,
      tokens: state.tokens,
      optimizerStateBytes: optimizer.stateBytes(),
      resumedFrom,
      cache: cache ? { layer: cache.fromLayer, hits: cache.hits, computed: cache.computed, passes: cache.passes, bytes: cache.store.bytes } : null,
    };
    if (storage) await storage.saveResult(result);
    return result;
  } catch (e) {
    if (e instanceof NonFiniteError) await emit({ type: 'stop', step: e.step, reason: e.message });
    throw e;
  } finally {
    await log?.close();
    optimizer.dispose();
    if (ownMasks) for (const m of ownMasks.values()) m.dispose();
    cache?.store.clear();
  }
}

/** The result of resuming a finished run: the stored result when there is one, else what the state tells. */
function finishedResult(state: TrainerState, stored: TrainResult | null): TrainResult {
  const base: TrainResult = stored ?? {
    steps: state.step,
    totalSteps: state.totalSteps,
    lastLoss: null,
    evals: state.evals,
    best: state.best,
    stoppedEarly: state.stoppedEarly ?? false,
    tokens: state.tokens,
    optimizerStateBytes: 0,
    resumedFrom: null,
    cache: null,
  };
  return { ...base, resumedFrom: state.step, finishedBefore: true };
}

async function checkSameMasks(given: ReadonlyMap<string, tf.Tensor>, stored: ReadonlyMap<string, tf.Tensor>, file: string): Promise<void> {
  const names = new Set([...given.keys(), ...stored.keys()]);
  for (const name of names) {
    const a = given.get(name);
    const b = stored.get(name);
    if (!a || !b) throw new FishTuningError('the given masks and the checkpoint masks name different tensors', { file, tensor: name });
    const same = tf.tidy(() => tf.all(tf.equal(tf.cast(a, 'float32'), tf.cast(b, 'float32'))).dataSync()[0]);
    if (!same) throw new FishTuningError('the given mask differs from the checkpoint mask', { file, tensor: name });
  }
}

/** Mean per-example loss of `model` over `examples` in eval mode (no dropout), micro-batched. */
export function evaluateLoss(model: TrainOptions['model'], examples: readonly Example[], maxTokens = 1024, padTokenId = 0): number {
  let total = 0;
  for (const micro of microBatches(examples, maxTokens)) {
    const batch = collate(micro, model.task, { padTokenId });
    try {
      total += tf.tidy(() => tf.sum(model.perExampleLoss(batch, { training: false })).dataSync()[0]);
    } finally {
      disposeBatch(batch);
    }
  }
  return total / examples.length;
}
