/**
 * {@link RunCell} on the library pipeline: load the model (fresh per cell, head seeded by the cell's seed)
 * and run `fishTune` (inject → Fisher → mask → masked training → evaluation) with the cell's method,
 * selection and budget; the evaluation is the task's own metric (GLUE score, GSM8K accuracy by generation).
 * LoRI goes through the same call with its own scores (|B| after a calibration run) in place of the Fisher.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, Rng, collate, disposeBatch, getTuner, type Example, type PeftAdapter, type PeftTargetModel, type TextTokenizer } from '@fish-tuning/core';
import { scoresFromTensors, type ScoreMap } from '@fish-tuning/mask';
import { fishTune, type FishTuneOptions } from '@fish-tuning/pipeline';
import { microBatches, train, type StepRecord } from '@fish-tuning/trainer';
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
  train: Example[];
  validation: Example[] | null;
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
async function loriScores(cell: Cell, s: CellSettings, ctx: CellContext, rows: readonly Example[]): Promise<ScoreMap> {
  if (cell.method !== 'lora') throw new FishTuningError(`LoRI is a LoRA variant, not '${cell.method}'`, { option: '--methods' });
  const glue = cell.task === 'gsm8k' ? null : glueTask(cell.task);
  const { model } = await loadModelWithTokenizer(ctx.model, { seed: cell.seed, ...(glue ? { numLabels: glue.numLabels } : {}) });
  const tuner = getTuner('lora');
  const adapter = tuner.inject(model, tuner.config(methodOptions('lora', cellMethodFlags(cell, cell.layers, { ...s, init: 'gaussian' })), model), new Rng(cell.seed));
  const candidates = adapter.trainableParameters().filter((p) => p.fishCandidate);
  const masks = new Map(candidates.map((p) => [p.name, p.name.includes('lora_A') ? tf.zerosLike(p.variable) : tf.onesLike(p.variable)] as [string, tf.Tensor]));
  try {
    ctx.log?.('LoRI calibration: B dense, A frozen\n');
    await train({ ...trainSettings(cell, s), model, adapter, masks, train: rows, });
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
export function predictAndLoss(model: PeftTargetModel, rows: readonly Example[], maxTokens: number): { predictions: number[]; loss: number } {
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

/** The cell's evaluation: the GLUE task's score (×100) in one forward pass, or GSM8K accuracy by greedy generation. */
function cellEvaluator(model: PeftTargetModel, tokenizer: TextTokenizer, data: TaskData, task: string, s: CellSettings, perEpoch: EpochScore[], ctx: CellContext) {
  const glue = task === 'gsm8k' ? null : glueTask(task);
  return async ({ epoch }: { step: number; epoch: number }): Promise<Record<string, number>> => {
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
    }
    perEpoch.push({ epoch, score: metrics.score ?? NaN, evalLoss: metrics.eval_loss ?? NaN });
    return metrics;
  };
}

/** Peak memory and time of the optimizer steps, from the trainer's step records. */
function stepMeter(ctx: CellContext) {
  const m = { peakTensorBytes: 0, peakHeapBytes: null as number | null, stepMs: 0 };
  const onStep = (r: StepRecord) => {
    m.peakTensorBytes = Math.max(m.peakTensorBytes, r.tensorBytes);
    if (r.heapBytes !== undefined) m.peakHeapBytes = Math.max(m.peakHeapBytes ?? 0, r.heapBytes);
    m.stepMs += r.stepMs;
    ctx.onProgress?.({ phase: 'train', step: r.step, totalSteps: r.totalSteps });
  };
  return { m, onStep };
}

/** fishTune's trainer options for a cell (everything but the model, data, masks and evaluation). */
function pipelineTraining(cell: Cell, s: CellSettings) {
  const { seed: _seed, writeMask: _w, ...rest } = trainSettings(cell, s);
  return {
    ...rest,
    // 'end': one evaluation after the last step (a step count past the run).
    evalEvery: s.evalEvery === 'end' ? Number.MAX_SAFE_INTEGER : ('epoch' as const),
    patience: s.patience,
    metric: 'score',
    greaterIsBetter: true,
  };
}

/**
 * Fisher scores are shared by every FISH and reverse cell of one task, method, layer set and seed (the
 * grid runs them one after another, seed-major): the estimate depends on the seed (adapter init, sample
 * draw) and the settings, not on the selection or the ratio. One entry is kept.
 */
const FISHER_CACHE = 'fisher-scores';
function fisherCacheKey(cell: Cell, s: CellSettings): string {
  return JSON.stringify([cell.task, cell.method, cell.rank ?? null, cell.layers, cell.seed, Object.entries(s).sort(([a], [b]) => a.localeCompare(b))]);
}

/** Where a cell's Fisher scores come from: this run's estimate (cached for the next cells), the cache, or LoRI. */
async function cellScores(cell: Cell, s: CellSettings, ctx: CellContext, data: TaskData): Promise<{ scores?: ScoreMap; onFisher?: FishTuneOptions['onFisher'] }> {
  if (cell.selection === 'lori') return { scores: await loriScores(cell, s, ctx, data.train) };
  if (cell.selection !== 'fish' && cell.selection !== 'reverse') return {};
  const key = fisherCacheKey(cell, s);
  const hit = ctx.cache.get(FISHER_CACHE) as { key: string; scores: ScoreMap } | undefined;
  if (hit?.key === key) return { scores: hit.scores };
  return { onFisher: async (f) => void ctx.cache.set(FISHER_CACHE, { key, scores: await scoresFromTensors(f.scores) }) };
}

/**
 * Every cell runs through `fishTune`. LoRI (Zhang et al. 2025) gives it its own scores: |B| after a
 * calibration run, with A a frozen Gaussian projection (scores 0), so the top-k keeps only B entries.
 */
export const runCellWithFishTune: RunCell = async (cell, s, ctx) => {
  const t0 = Date.now();
  ensureTuners();
  const glue = cell.task === 'gsm8k' ? null : glueTask(cell.task);
  ctx.onProgress?.({ phase: 'load' });
  const { model, tokenizer } = await loadModelWithTokenizer(ctx.model, { seed: cell.seed, ...(glue ? { numLabels: glue.numLabels } : {}) });
  let adapter: PeftAdapter | null = null;
  try {
    const data = await taskData(cell, s, model, tokenizer, ctx);
    const count = cell.countLike ? candidateCount(model, cell, cell.countLike.layers, s) : undefined;
    const perEpoch: EpochScore[] = [];
    const { m, onStep } = stepMeter(ctx);
    const masked = cell.selection !== 'dense';
    const { scores, onFisher } = await cellScores(cell, s, ctx, data);
    const lori = cell.selection === 'lori';
    const result = await fishTune({
      model,
      method: cell.method,
      config: methodOptions(cell.method, cellMethodFlags(cell, cell.layers, lori ? { ...s, init: 'gaussian' } : s)),
      train: data.train,
      evaluate: cellEvaluator(model, tokenizer, data, cell.task, s, perEpoch, ctx),
      mask: lori ? 'fish' : masked ? (cell.selection as 'fish' | 'random' | 'reverse') : 'none',
      ...(masked ? (count !== undefined ? { count } : { ratio: cell.ratio! }) : {}),
      fisher: { samples: s.fisherSamples, ...(scores ? { scores } : {}) },
      ...(onFisher ? { onFisher } : {}),
      seed: cell.seed,
      training: pipelineTraining(cell, s),
      onProgress: (p) => {
        if (p.phase === 'train') onStep(p.step);
        else if (p.phase === 'fisher' && p.done === 0) ctx.onProgress?.({ phase: 'fisher' });
      },
      onMessage: (msg) => {
        if (msg.level === 'warning' || /^(fisher|mask):/.test(msg.message)) ctx.log?.(`${msg.message}\n`);
      },
    });
    adapter = result.adapter;
    const total = adapter.trainableParameters().filter((p) => p.fishCandidate).reduce((n, p) => n + p.variable.size, 0);
    return cellResult(perEpoch, result.train, { trainable: result.mask?.k ?? total, total, model: ctx.model, numLabels: glue?.numLabels ?? 1, meter: m, t0 });
  } finally {
    adapter?.dispose();
    model.dispose();
  }
};

function cellResult(
  perEpoch: EpochScore[],
  train: { steps: number; optimizerStateBytes: number; evals: { metrics: Record<string, number> }[] },
  o: { trainable: number; total: number; model: string; numLabels: number; meter: ReturnType<typeof stepMeter>['m']; t0: number },
): CellResult {
  const best = perEpoch.reduce<EpochScore | null>((b, e) => (b === null || e.score > b.score ? e : b), null);
  const bestEval = train.evals.find((e) => e.metrics.score === best?.score) ?? train.evals.at(-1);
  return {
    score: best?.score ?? NaN,
    metrics: { ...(bestEval?.metrics ?? {}) },
    perEpoch,
    trainable: o.trainable,
    total: o.total,
    modelParameters: modelParameterCount(o.model, o.numLabels),
    steps: train.steps,
    secondsPerEpoch: o.meter.stepMs / 1000 / Math.max(1, perEpoch.length),
    peakTensorBytes: o.meter.peakTensorBytes,
    peakHeapBytes: o.meter.peakHeapBytes,
    optimizerStateBytes: train.optimizerStateBytes,
    wallSeconds: (Date.now() - o.t0) / 1000,
  };
}
