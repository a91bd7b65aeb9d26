/**
 * fishTune: FISH-Tuning in one call — inject the PEFT method, estimate the Fisher of its candidate
 * entries on N training samples, choose the mask (FISH top-k, reverse, random or none, by ratio or
 * count, global / per-tensor / per-layer budget), train only the chosen entries, and evaluate.
 * Browser-safe; `@fish-tuning/pipeline/node` runs it into a directory.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, Rng, getTuner, type PeftAdapter, type TrainableParameter } from '@fish-tuning/core';
import { computeFisher, defaultSampleCount, exampleData } from '@fish-tuning/fisher';
import { budgetSize, maskToTensors, randomMask, scoresFromTensors, selectMask, type Mask, type ScoreMap } from '@fish-tuning/mask';
import { train, type TrainOptions } from '@fish-tuning/trainer';
import { evaluateExamples } from './evaluate.js';
import { withFishInit } from './init.js';
import { MASK_CHOICES, type FishTuneMessage, type FishTuneOptions, type FishTuneResult, type MaskChoice } from './options.js';

function defaultMessage(m: FishTuneMessage): void {
  if (m.level === 'warning') console.warn(`fish-tuning: ${m.option ? `option '${m.option}': ` : ''}${m.message}`);
}

/** Checks every option that needs no model work, so that a mistake costs nothing. */
function checkOptions(o: FishTuneOptions): MaskChoice {
  const mask = o.mask ?? 'fish';
  if (!MASK_CHOICES.includes(mask)) throw new FishTuningError(`unknown mask '${mask}'; accepted: ${MASK_CHOICES.join(', ')}`, { option: 'mask' });
  if (mask === 'none' && (o.ratio !== undefined || o.count !== undefined)) throw new FishTuningError('mask none trains every entry; drop ratio/count', { option: 'mask' });
  if (mask !== 'none' && (o.ratio === undefined) === (o.count === undefined)) throw new FishTuningError(`mask ${mask} needs exactly one of ratio and count`, { option: 'ratio' });
  if (o.train.length === 0) throw new FishTuningError('no training examples', { option: 'train' });
  if (o.evaluate && (o.validation || o.metric)) throw new FishTuningError('give evaluate, or validation (with an optional metric), not both', { option: 'evaluate' });
  if (o.metric && !o.validation) throw new FishTuningError('metric needs validation examples', { option: 'metric' });
  return mask;
}

/** The FISH candidates (what Fisher scores and the mask covers): PEFT tensors, never a head or a gate. */
function candidatesOf(adapter: PeftAdapter): TrainableParameter[] {
  return adapter.trainableParameters().filter((p) => p.fishCandidate);
}

/** Given scores must be exactly the candidates' (a mask from scores of other tensors would train the wrong entries). */
function checkScores(scores: ScoreMap, candidates: readonly TrainableParameter[]): void {
  const names = new Set(candidates.map((p) => p.name));
  for (const name of scores.keys()) {
    if (!names.has(name)) throw new FishTuningError(`a score tensor names no FISH candidate of this adapter`, { option: 'fisher.scores', tensor: name });
  }
  for (const p of candidates) {
    const s = scores.get(p.name);
    if (!s) throw new FishTuningError('no score for this FISH candidate', { option: 'fisher.scores', tensor: p.name });
    const shape = [...p.variable.shape];
    if (s.shape.length !== shape.length || s.shape.some((d, i) => d !== shape[i]) || s.data.length !== p.variable.size) {
      throw new FishTuningError(`score shape [${s.shape.join(', ')}] (${s.data.length} values) is not the parameter's [${shape.join(', ')}]`, { option: 'fisher.scores', tensor: p.name });
    }
  }
}

/** Runs the whole pipeline; see {@link FishTuneOptions}. The returned adapter stays injected (dispose it when done). */
export async function fishTune(o: FishTuneOptions): Promise<FishTuneResult> {
  const how = checkOptions(o);
  const { model } = o;
  const seed = o.seed ?? 0;
  const say = o.onMessage ?? defaultMessage;
  const tuner = getTuner(o.method);
  const { config: options, warning } = withFishInit(o.method, o.config ?? {}, how, o.fisher?.scores !== undefined);
  if (warning) say(warning);
  const storage = o.training?.storage;
  const resuming = o.resume === true && storage !== undefined && (await storage.loadCheckpoint()) !== null;
  if (o.resume && !resuming) throw new FishTuningError('no checkpoint to resume from', { option: 'resume' });

  const adapter = tuner.inject(model, tuner.config(options, model), new Rng(seed));
  let masks: Map<string, tf.Tensor> | null = null;
  try {
    let mask: Mask | null = null;
    let fisherSamples: number | null = null;
    if (how !== 'none' && !resuming) {
      const candidates = candidatesOf(adapter);
      const total = candidates.reduce((n, p) => n + p.variable.size, 0);
      budgetSize(total, { ratio: o.ratio, count: o.count });
      const budget = { ...(o.ratio !== undefined ? { ratio: o.ratio } : { count: o.count }), seed, ...(o.budget ? { budget: o.budget } : {}) };
      if (how === 'random') {
        mask = randomMask(new Map(candidates.map((p) => [p.name, p.variable.shape])), { ...budget, metadata: { source: 'random' } });
      } else {
        const given = o.fisher?.scores;
        if (given) {
          checkScores(given, candidates);
          say({ level: 'note', message: `fisher: the given scores over ${candidates.length} tensors (${total} entries)` });
          mask = selectMask(given, { ...budget, selection: how, metadata: { source: 'fisher' } });
        } else {
          const asked = o.fisher?.samples ?? defaultSampleCount(model.task);
          fisherSamples = Math.min(asked, o.train.length);
          if (fisherSamples < asked) {
            say({ level: 'note', option: 'samples', message: `Fisher on ${fisherSamples} samples: ${o.fisher?.samples !== undefined ? 'asked for' : 'the default is'} ${asked}, the training data has ${o.train.length}` });
          }
          say({ level: 'note', message: `fisher: ${fisherSamples} samples over ${candidates.length} tensors (${total} entries)` });
          const fisher = await computeFisher(model, candidates, exampleData(o.train, { task: model.task, padTokenId: o.training?.padTokenId ?? 0 }), {
            samples: fisherSamples,
            seed,
            ...(o.fisher?.estimator ? { estimator: o.fisher.estimator } : {}),
            ...(o.fisher?.order ? { order: o.fisher.order } : {}),
            ...(o.fisher?.method ? { method: o.fisher.method } : {}),
            ...(o.fisher?.chunkSize ? { chunkSize: o.fisher.chunkSize } : {}),
            onProgress: ({ done, total: n }) => void o.onProgress?.({ phase: 'fisher', done, total: n }),
          });
          try {
            await o.onFisher?.(fisher);
            mask = selectMask(await scoresFromTensors(fisher.scores), { ...budget, selection: how, metadata: { source: 'fisher' } });
          } finally {
            fisher.dispose();
          }
        }
      }
      await o.onMask?.(mask);
      await o.onProgress?.({ phase: 'mask', done: 1, total: 1, mask });
      say({ level: 'note', message: `mask: ${mask.k} of ${mask.total} PEFT entries (${((100 * mask.k) / mask.total).toPrecision(3)}%), ${how}` });
      masks = maskToTensors(mask);
    }

    const maxTokens = o.training?.maxTokensPerMicroBatch ?? 1024;
    const validation = o.validation;
    let totalSteps = 0;
    const evaluate: TrainOptions['evaluate'] = o.evaluate ?? (validation ? () => evaluateExamples(model, validation, o.metric, maxTokens) : undefined);
    const firstIsLoss = !o.evaluate && validation !== undefined && !o.metric && model.task !== 'classification';
    const result = await train({
      // A metric is better when larger, a loss when smaller (the default evaluation leads with eval_loss
      // for regression and causal LMs).
      greaterIsBetter: !firstIsLoss,
      ...o.training,
      model,
      adapter,
      masks,
      train: o.train,
      seed,
      resume: resuming,
      // The pipeline's caller stores the mask with its selection metadata (onMask).
      writeMask: false,
      ...(evaluate
        ? {
            evaluate: async (info: { step: number; epoch: number }) => {
              const metrics = await evaluate(info);
              await o.onProgress?.({ phase: 'eval', done: info.step, total: totalSteps, epoch: info.epoch, metrics });
              return metrics;
            },
          }
        : {}),
      onStep: async (step) => {
        totalSteps = step.totalSteps;
        await o.onProgress?.({ phase: 'train', done: step.step, total: step.totalSteps, step });
      },
    });
    return { adapter, mask, fisherSamples, config: adapter.config as unknown as Record<string, unknown>, train: result };
  } catch (e) {
    adapter.dispose();
    throw e;
  } finally {
    if (masks) for (const m of masks.values()) m.dispose();
  }
}
