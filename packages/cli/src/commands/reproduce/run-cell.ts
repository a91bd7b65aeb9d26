/**
 * {@link RunCell} on the CLI's training internals: load the model (fresh per cell, head seeded by the
 * cell's seed), inject the method, Fisher (cached per task/method/layers/seed, so fish and reverse at
 * every ratio share one estimate) → mask → masked training with per-epoch evaluation → best score.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, Rng, getTuner, type PeftAdapter, type PeftTargetModel, type TextTokenizer } from '@fish-tuning/core';
import { computeFisher, exampleData } from '@fish-tuning/fisher';
import { maskToTensors, scoresFromTensors, selectMask, type ScoreMap } from '@fish-tuning/mask';
import { collate, disposeBatch, microBatches, train, type StepRecord, type TrainExample } from '@fish-tuning/trainer';
import { glueMetric, glueTask } from '@fish-tuning/datasets-glue';
import { createStopChecker, evaluateGsm8k, type Gsm8kExample } from '@fish-tuning/datasets-gsm8k';
import { loadGsm8k } from '@fish-tuning/datasets-gsm8k/node';
import { LlamaForCausalLM, generateIds } from '@fish-tuning/models';
import { ensureTuners } from '../../adapter-loading.js';
import { resolveDataDir } from '../../data-dir.js';
import { methodOptions, type MethodFlags } from '../../method-options.js';
import { loadModelWithTokenizer } from '../../model-loading.js';
import { modelShapes } from '../params.js';
import { taskExamples } from '../train-task.js';
import type { Cell, CellContext, CellResult, CellSettings, EpochScore, RunCell } from './cell.js';
import { lrFor } from './settings.js';

interface TaskData {
  train: TrainExample[];
  validation: TrainExample[] | null;
  gsm8kEval: Gsm8kExample[] | null;
}

/** The method flags of a cell (alpha = 2·rank, Table 12). */
export function cellMethodFlags(cell: Pick<Cell, 'method' | 'rank'>, layers: string, s: Pick<CellSettings, 'init' | 'loraDropout' | 'virtualTokens'>): MethodFlags {
  const lora = cell.method === 'lora' || cell.method === 'dora' || cell.method === 'unipelt';
  return {
    layers,
    ...(lora && cell.rank !== undefined ? { rank: String(cell.rank), alpha: String(2 * cell.rank) } : {}),
    ...(lora ? { init: s.init, loraDropout: String(s.loraDropout) } : {}),
    ...(cell.method === 'prefix' || cell.method === 'unipelt' ? { virtualTokens: String(s.virtualTokens) } : {}),
  };
}

async function taskData(cell: Cell, s: CellSettings, model: PeftTargetModel, tokenizer: TextTokenizer, ctx: CellContext): Promise<TaskData> {
  const key = `data:${cell.task}:${s.trainLimit}:${s.evalLimit}`;
  const hit = ctx.cache.get(key) as TaskData | undefined;
  if (hit) return hit;
  const limit = s.trainLimit ?? undefined;
  const evalLimit = s.evalLimit ?? undefined;
  const name = cell.task === 'gsm8k' ? 'gsm8k' : `glue/${cell.task}`;
  const rows = await taskExamples(name, model, tokenizer, { ...(ctx.dataDir ? { dataDir: ctx.dataDir } : {}), limit, evalLimit });
  let gsm8kEval: Gsm8kExample[] | null = null;
  if (cell.task === 'gsm8k') gsm8kEval = await loadGsm8k({ split: 'test', dataDir: resolveDataDir(ctx.dataDir, 'gsm8k'), limit: evalLimit ?? 50 });
  // Validation sorted by length: less padding, and predictions stay paired with their labels.
  const validation = rows.validation ? [...rows.validation].sort((a, b) => a.inputIds.length - b.inputIds.length) : null;
  const data = { train: rows.train, validation, gsm8kEval };
  ctx.cache.set(key, data);
  return data;
}

/** Number of FISH candidate entries of `method` on `layers` (fixed-ratio: the original method's count). */
function candidateCount(model: PeftTargetModel, cell: Cell, layers: string, s: CellSettings): number {
  const tuner = getTuner(cell.method);
  // Counting only: default init (PiSSA's SVD would change the base weights for nothing).
  const flags = { ...cellMethodFlags(cell, layers, s), ...(cell.method === 'lora' || cell.method === 'dora' ? { init: 'default' } : {}) };
  const adapter = tuner.inject(model, tuner.config(methodOptions(cell.method, flags), model), new Rng(0));
  try {
    return adapter.trainableParameters().filter((p) => p.fishCandidate).reduce((n, p) => n + p.variable.size, 0);
  } finally {
    adapter.dispose();
  }
}

function modelParameterCount(source: string, numLabels: number): number {
  try {
    const shapes = modelShapes(source, numLabels);
    return [...shapes.base.values()].reduce((n, shape) => n + shape.reduce((a, b) => a * b, 1), 0);
  } catch {
    return NaN;
  }
}

function trainSettings(cell: Cell, s: CellSettings) {
  return {
    optimizer: 'adamw' as const,
    lr: lrFor(cell.task, s),
    weightDecay: s.weightDecay,
    schedule: s.schedule,
    warmupRatio: s.warmupRatio,
    epochs: s.epochs,
    batchSize: s.batchSize,
    gradAccumulation: s.gradAccumulation,
    maxTokensPerMicroBatch: s.maxTokens,
    seed: cell.seed,
    writeMask: false,
  };
}

/**
 * LoRI (Zhang et al. 2025) mask scores: A is a frozen random Gaussian projection, B is sparse with a
 * task-specific mask taken from the magnitudes of B after a calibration run that trains B densely (A frozen).
 * The calibration uses the same model, seed and settings as the cell; the masked run then starts afresh
 * from the same init. Scores: |B| for lora_B entries, 0 for lora_A (never chosen while k ≤ the B entries).
 */
async function loriScores(cell: Cell, s: CellSettings, ctx: CellContext, rows: readonly TrainExample[]): Promise<ScoreMap> {
  if (cell.method !== 'lora') throw new FishTuningError(`LoRI is a LoRA variant, not '${cell.method}'`, { option: '--methods' });
  const glue = cell.task === 'gsm8k' ? null : glueTask(cell.task);
  const { model } = await loadModelWithTokenizer(ctx.model, { seed: cell.seed, ...(glue ? { numLabels: glue.numLabels } : {}) });
  const tuner = getTuner('lora');
  const adapter = tuner.inject(model, tuner.config(methodOptions('lora', cellMethodFlags(cell, cell.layers, { ...s, init: 'gaussian' })), model), new Rng(cell.seed));
  const candidates = adapter.trainableParameters().filter((p) => p.fishCandidate);
  const masks = new Map(candidates.map((p) => [p.name, p.name.includes('lora_A') ? tf.zerosLike(p.variable) : tf.onesLike(p.variable)] as [string, tf.Tensor]));
  try {
    ctx.log?.('LoRI calibration: B dense, A frozen\n');
    await train({ ...trainSettings(cell, s), model, adapter, masks, train: rows, outDir: `${ctx.workDir}/lori-calibration` });
    return new Map(
      await Promise.all(
        candidates.map(async (p) => {
          const values = p.name.includes('lora_A') ? new Float32Array(p.variable.size) : Float32Array.from(await p.variable.data(), Math.abs);
          return [p.name, { shape: [...p.variable.shape] as number[], data: values }] as [string, { shape: number[]; data: Float32Array }];
        }),
      ),
    );
  } finally {
    for (const m of masks.values()) m.dispose();
    adapter.dispose();
    model.dispose();
  }
}

/**
 * One forward pass per micro-batch for both the predictions (argmax / regression value) and the mean loss
 * (cross-entropy / squared error, as the model's perExampleLoss), instead of two passes.
 */
export function predictAndLoss(model: PeftTargetModel, rows: readonly TrainExample[], maxTokens: number): { predictions: number[]; loss: number } {
  const predictions: number[] = [];
  let loss = 0;
  for (const micro of microBatches(rows, maxTokens)) {
    const batch = collate(micro, model.task);
    try {
      const logits = tf.tidy(() => model.logits(batch, { training: false }).dataSync());
      const k = logits.length / micro.length;
      micro.forEach((row, i) => {
        const z = Array.from(logits.subarray(i * k, (i + 1) * k));
        const label = row.labels as number;
        if (model.task === 'regression') {
          predictions.push(z[0]!);
          loss += (z[0]! - label) ** 2;
        } else {
          const max = Math.max(...z);
          const lse = max + Math.log(z.reduce((a, v) => a + Math.exp(v - max), 0));
          predictions.push(z.indexOf(max));
          loss += lse - z[label]!;
        }
      });
    } finally {
      disposeBatch(batch);
    }
  }
  return { predictions, loss: loss / rows.length };
}

export const runCellWithCliInternals: RunCell = async (cell, s, ctx) => {
  const t0 = Date.now();
  ensureTuners();
  const glue = cell.task === 'gsm8k' ? null : glueTask(cell.task);
  ctx.onProgress?.({ phase: 'load' });
  const { model, tokenizer } = await loadModelWithTokenizer(ctx.model, { seed: cell.seed, ...(glue ? { numLabels: glue.numLabels } : {}) });
  let adapter: PeftAdapter | null = null;
  let masks: Map<string, tf.Tensor> | null = null;
  try {
    const data = await taskData(cell, s, model, tokenizer, ctx);
    const count = cell.countLike ? candidateCount(model, cell, cell.countLike.layers, s) : undefined;
    const tuner = getTuner(cell.method);
    const flags = cellMethodFlags(cell, cell.layers, cell.selection === 'lori' ? { ...s, init: 'gaussian' } : s);
    adapter = tuner.inject(model, tuner.config(methodOptions(cell.method, flags), model), new Rng(cell.seed));
    const candidates = adapter.trainableParameters().filter((p) => p.fishCandidate);
    const total = candidates.reduce((n, p) => n + p.variable.size, 0);
    let trainable = total;
    if (cell.selection !== 'dense') {
      let scores: ScoreMap;
      if (cell.selection === 'lori') {
        scores = await loriScores(cell, s, ctx, data.train);
      } else if (cell.selection === 'random') {
        scores = new Map(candidates.map((p) => [p.name, { shape: [...p.variable.shape], data: new Float32Array(p.variable.size) }]));
      } else {
        const key = `fisher:${cell.task}:${cell.method}:${cell.layers}:${cell.rank}:${cell.seed}:${s.fisherSamples}:${s.init}:${s.trainLimit}`;
        scores = ctx.cache.get(key) as ScoreMap;
        if (!scores) {
          ctx.onProgress?.({ phase: 'fisher' });
          const samples = Math.min(s.fisherSamples, data.train.length);
          ctx.log?.(`fisher: ${samples} samples over ${candidates.length} tensors (${total} entries)\n`);
          const fisher = await computeFisher(model, candidates, exampleData(data.train as never, { task: model.task }), { samples, seed: cell.seed });
          try {
            scores = await scoresFromTensors(fisher.scores);
          } finally {
            fisher.dispose();
          }
          ctx.cache.set(key, scores);
        }
      }
      const budget = count !== undefined ? { count } : { ratio: cell.ratio! };
      const mask = selectMask(scores, { ...budget, selection: cell.selection === 'lori' ? 'fish' : cell.selection, seed: cell.seed });
      masks = maskToTensors(mask);
      trainable = mask.k;
    }

    const perEpoch: EpochScore[] = [];
    const evaluate = async ({ epoch }: { step: number; epoch: number }) => {
      ctx.onProgress?.({ phase: 'eval' });
      const metrics: Record<string, number> = {};
      if (glue && data.validation) {
        const { predictions, loss } = predictAndLoss(model, data.validation, s.maxTokens);
        const { score, metrics: parts } = glueMetric(glue.name, predictions, data.validation.map((r) => r.labels as number));
        Object.assign(metrics, { score: 100 * score }, parts);
        metrics.eval_loss = loss;
      } else if (data.gsm8kEval && model instanceof LlamaForCausalLM) {
        const positions = model.config.maxPositionEmbeddings;
        const r = await evaluateGsm8k({
          examples: data.gsm8kEval,
          tokenizer,
          maxNewTokens: 128,
          generate: (promptIds, { maxNewTokens, stop }) =>
            generateIds(model, promptIds, { maxNewTokens: Math.max(0, Math.min(maxNewTokens, positions - promptIds.length)), temperature: 0, stopIds: stop.eosId === undefined ? [] : [stop.eosId], shouldStop: createStopChecker(tokenizer, stop) }),
        });
        metrics.score = 100 * r.accuracy;
        metrics.eval_loss = NaN;
      }
      perEpoch.push({ epoch, score: metrics.score ?? NaN, evalLoss: metrics.eval_loss ?? NaN });
      return metrics;
    };

    let peakTensorBytes = 0;
    let peakHeapBytes: number | null = null;
    let stepMs = 0;
    const onStep = (r: StepRecord) => {
      peakTensorBytes = Math.max(peakTensorBytes, r.tensorBytes);
      if (r.heapBytes !== undefined) peakHeapBytes = Math.max(peakHeapBytes ?? 0, r.heapBytes);
      stepMs += r.stepMs;
      ctx.onProgress?.({ phase: 'train', step: r.step, totalSteps: r.totalSteps });
    };
    const result = await train({
      ...trainSettings(cell, s),
      model,
      adapter,
      masks,
      train: data.train,
      outDir: ctx.workDir,
      evaluate,
      // 'end': one evaluation after the last step (a step count past the run).
      evalEvery: s.evalEvery === 'end' ? Number.MAX_SAFE_INTEGER : 'epoch',
      patience: s.patience,
      greaterIsBetter: true,
      metric: 'score',
      onStep,
    });
    const best = perEpoch.reduce<EpochScore | null>((b, e) => (b === null || e.score > b.score ? e : b), null);
    const bestEval = result.evals.find((e) => e.metrics.score === best?.score) ?? result.evals.at(-1);
    const epochsRun = Math.max(1, perEpoch.length);
    return {
      score: best?.score ?? NaN,
      metrics: { ...(bestEval?.metrics ?? {}) },
      perEpoch,
      trainable,
      total,
      modelParameters: modelParameterCount(ctx.model, glue?.numLabels ?? 1),
      steps: result.steps,
      secondsPerEpoch: stepMs / 1000 / epochsRun,
      peakTensorBytes,
      peakHeapBytes,
      optimizerStateBytes: result.optimizerStateBytes,
      wallSeconds: (Date.now() - t0) / 1000,
    };
  } finally {
    if (masks) for (const m of masks.values()) m.dispose();
    adapter?.dispose();
    model.dispose();
  }
};
