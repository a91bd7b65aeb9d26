/**
 * `fish-tune train`: Fisher → mask → masked training → evaluation, in one run. Writes into --out the
 * PEFT-format adapter (adapter_config.json + adapter_model.safetensors), the Fisher scores
 * (fish_fisher.safetensors) and mask (fish_mask.safetensors), the trainer checkpoint (checkpoint/:
 * weights, sparse optimizer state, RNG, data position), log.jsonl and metrics.json. `--resume`
 * continues a killed run exactly (the mask comes from the checkpoint; Fisher is not recomputed).
 *
 * Data: `--data` pre-tokenized JSONL (`input_ids`, `labels`|`label`, optional `attention_mask`,
 * `token_type_ids`), the same rows `fish-tune fisher` reads; or `--task glue/<name> | gsm8k` (train-task.ts).
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import { FISHER_SIDECAR_NAME, FishTuningError, MASK_SIDECAR_NAME, Rng, getTuner, type PeftAdapter } from '@fish-tuning/core';
import { computeFisher, exampleData } from '@fish-tuning/fisher';
import { saveFisher } from '@fish-tuning/fisher/node';
import { budgetSize, maskToTensors, scoresFromTensors, selectMask, MASK_SELECTIONS, type MaskSelection, type ScoreMap } from '@fish-tuning/mask';
import { saveMask } from '@fish-tuning/mask/node';
import { CACHE_MODES, OPTIMIZERS, SCHEDULES, evaluateLoss, findCheckpoint, train, type CacheMode, type OptimizerName, type ScheduleName, type StepRecord, type TrainExample } from '@fish-tuning/trainer';
import { defaultMaxTokens, selectBackend } from '../backend.js';
import { readFisherRows } from './fisher.js';
import { taskExamples } from './train-task.js';
import { glueMetric } from '@fish-tuning/datasets-glue';
import { ensureTuners } from '../adapter-loading.js';
import { int, num, oneOf } from '../flags.js';
import { METHODS, methodOptions, type MethodFlags } from '../method-options.js';
import { loadModelWithTokenizer, loadTargetModel } from '../model-loading.js';
import { processIO, type CliIO } from '../io.js';

export const MASK_CHOICES = ['none', ...MASK_SELECTIONS] as const;

export interface TrainCliOptions extends MethodFlags {
  model: string;
  data?: string;
  task?: string;
  evalData?: string;
  dataDir?: string;
  limit?: string;
  evalLimit?: string;
  method: string;
  numLabels?: string;
  mask: string;
  ratio?: string;
  count?: string;
  fisherSamples?: string;
  epochs?: string;
  maxSteps?: string;
  lr: string;
  batchSize: string;
  gradAccumulation: string;
  maxTokens?: string;
  optimizer: string;
  weightDecay?: string;
  schedule: string;
  warmupRatio: string;
  clipNorm: string;
  trainDropout: boolean;
  denseState?: boolean;
  activationCache: string;
  evalEvery?: string;
  patience?: string;
  checkpointEvery?: string;
  seed: string;
  out: string;
  resume?: string | boolean;
  progress: boolean;
}

interface Bar {
  start(total: number, value: number, payload?: Record<string, unknown>): void;
  update(value: number, payload?: Record<string, unknown>): void;
  stop(): void;
}

async function progressBar(enabled: boolean): Promise<Bar | null> {
  if (!enabled) return null;
  // @ts-expect-error cli-progress ships no type declarations
  const mod = await import('cli-progress');
  const lib = (mod.default ?? mod) as { SingleBar: new (o: object, preset: object) => Bar; Presets: Record<string, object> };
  return new lib.SingleBar({ format: 'train [{bar}] {value}/{total} | loss {loss} | lr {lr} | {tps} tok/s | eta {eta_formatted}', stream: process.stderr }, lib.Presets.shades_classic);
}

export function registerTrain(program: Command, io: CliIO): void {
  program
    .command('train')
    .description('Fisher → FISH mask → masked PEFT training → evaluation; writes a PEFT-format adapter, mask, Fisher, checkpoint, log.jsonl, metrics.json')
    .requiredOption('--model <path>', 'llama2.c checkpoint (file or dir) or Hugging Face dir (Llama, BERT)')
    .option('--data <file>', 'training JSONL rows: input_ids, labels|label, attention_mask?, token_type_ids?')
    .option('--task <name>', 'glue/<name> (sst2, cola, mrpc, stsb, rte, wnli) or gsm8k, tokenized with the model’s tokenizer')
    .option('--data-dir <dir>', 'local dataset root for --task (GLUE: <dir>/<task>/…; GSM8K: the dir with train.jsonl); GLUE downloads when absent')
    .option('--limit <n>', 'use only the first n training rows')
    .option('--eval-limit <n>', 'use only the first n validation rows (--task)')
    .option('--eval-data <file>', 'validation JSONL (same format); evaluated every --eval-every steps or per epoch')
    .requiredOption('--method <name>', `PEFT method: ${METHODS.join(' | ')}`)
    .option('--rank <r>', 'LoRA/DoRA rank r')
    .option('--alpha <a>', 'LoRA/DoRA lora_alpha')
    .option('--init <how>', 'LoRA/DoRA init: default (Kaiming A, zero B) | gaussian | pissa (the paper)')
    .option('--lora-dropout <p>', 'LoRA/DoRA lora_dropout')
    .option('--targets <list>', 'target modules, comma separated')
    .option('--layers <spec>', "layers to adapt: 'all', 'top:n' or '0,3,5'")
    .option('--virtual-tokens <n>', 'prefix length (prefix, unipelt)')
    .option('--num-labels <n>', 'classifier size of a BERT model')
    .option('--mask <how>', `${MASK_CHOICES.join(' | ')}`, 'fish')
    .option('--ratio <r>', 'fraction of PEFT entries to train, in (0, 1]')
    .option('--count <k>', 'number of PEFT entries to train')
    .option('--fisher-samples <n>', 'Fisher samples N (default: the paper’s 128 / 256, at most the data size)')
    .option('--epochs <n>', 'epochs (default 1)')
    .option('--max-steps <n>', 'optimizer updates in total (overrides --epochs)')
    .option('--lr <lr>', 'peak learning rate', '1e-3')
    .option('--batch-size <n>', 'examples per update (before accumulation)', '8')
    .option('--grad-accumulation <n>', 'batches per update', '1')
    .option('--max-tokens <n>', 'largest micro-batch in padded tokens (default 1024 on wasm, whose heap is capped at 4 GiB; 16384 otherwise)')
    .option('--optimizer <name>', OPTIMIZERS.join(' | '), 'adamw')
    .option('--weight-decay <wd>', 'weight decay (default 0.01 AdamW, 0 SGD)')
    .option('--schedule <name>', SCHEDULES.join(' | '), 'linear')
    .option('--warmup-ratio <r>', 'fraction of updates spent warming up', '0')
    .option('--clip-norm <n>', 'global gradient-norm clipping (0 = off)', '1')
    .option('--no-train-dropout', 'disable dropout while training')
    .option('--dense-state', 'keep AdamW moments for every entry (default: only the selected ones)')
    .option('--activation-cache <mode>', CACHE_MODES.join(' | '), 'auto')
    .option('--eval-every <n>', "steps between evaluations (default: per epoch)")
    .option('--patience <n>', 'early stopping after n evaluations without improvement')
    .option('--checkpoint-every <n>', 'steps between checkpoints (default: end only)')
    .option('--seed <s>', 'seed (adapter init, data order, dropout, Fisher samples, random masks)', '0')
    .requiredOption('--out <dir>', 'output directory')
    .option('--resume [dir]', 'continue the run whose checkpoint is in dir (default: --out)')
    .option('--no-progress', 'no progress bar even on a TTY')
    .action(async (o: TrainCliOptions, cmd: Command) => {
      const backend = await selectBackend(cmd.optsWithGlobals().backend);
      // Validate every flag before loading anything.
      const method = oneOf(o.method, METHODS, '--method');
      const maskHow = oneOf(o.mask, MASK_CHOICES, '--mask');
      if (o.task !== undefined && !/^glue\/\w+$|^gsm8k$/.test(o.task)) throw new FishTuningError(`unknown task '${o.task}'; accepted: glue/<name>, gsm8k`, { option: '--task' });
      if ((o.task === undefined) === (o.data === undefined)) throw new FishTuningError('give exactly one of --data FILE.jsonl and --task', { option: '--data' });
      const limit = o.limit === undefined ? undefined : int(o.limit, '--limit');
      const evalLimit = o.evalLimit === undefined ? undefined : int(o.evalLimit, '--eval-limit');
      if (maskHow === 'none' && (o.ratio !== undefined || o.count !== undefined)) throw new FishTuningError("--mask none trains every entry; drop --ratio/--count", { option: '--mask' });
      if (maskHow !== 'none' && (o.ratio === undefined) === (o.count === undefined)) throw new FishTuningError(`--mask ${maskHow} needs exactly one of --ratio and --count`, { option: '--ratio' });
      const ratio = o.ratio === undefined ? undefined : num(o.ratio, '--ratio', (n) => n > 0 && n <= 1, 'a number in (0, 1]');
      const count = o.count === undefined ? undefined : int(o.count, '--count');
      if (o.epochs !== undefined && o.maxSteps !== undefined) throw new FishTuningError('give --epochs or --max-steps, not both', { option: '--max-steps' });
      const seed = int(o.seed, '--seed', 0);
      const optimizer = oneOf(o.optimizer, OPTIMIZERS, '--optimizer') as OptimizerName;
      const schedule = oneOf(o.schedule, SCHEDULES, '--schedule') as ScheduleName;
      const activationCache = oneOf(o.activationCache, CACHE_MODES, '--activation-cache') as CacheMode;
      const settings = {
        epochs: o.epochs === undefined ? undefined : int(o.epochs, '--epochs'),
        maxSteps: o.maxSteps === undefined ? undefined : int(o.maxSteps, '--max-steps'),
        lr: num(o.lr, '--lr', (n) => n >= 0, 'a number ≥ 0'),
        batchSize: int(o.batchSize, '--batch-size'),
        gradAccumulation: int(o.gradAccumulation, '--grad-accumulation'),
        maxTokensPerMicroBatch: o.maxTokens === undefined ? defaultMaxTokens(backend) : int(o.maxTokens, '--max-tokens'),
        weightDecay: o.weightDecay === undefined ? undefined : num(o.weightDecay, '--weight-decay', (n) => n >= 0, 'a number ≥ 0'),
        warmupRatio: num(o.warmupRatio, '--warmup-ratio', (n) => n >= 0 && n <= 1, 'a number in [0, 1]'),
        clipNorm: num(o.clipNorm, '--clip-norm', (n) => n >= 0, 'a number ≥ 0'),
        evalEvery: o.evalEvery === undefined ? ('epoch' as const) : int(o.evalEvery, '--eval-every'),
        patience: o.patience === undefined ? null : int(o.patience, '--patience'),
        checkpointEvery: o.checkpointEvery === undefined ? undefined : int(o.checkpointEvery, '--checkpoint-every'),
      };
      const fisherSamples = o.fisherSamples === undefined ? undefined : int(o.fisherSamples, '--fisher-samples');
      const numLabels = o.numLabels === undefined ? undefined : int(o.numLabels, '--num-labels');
      const out = path.resolve(o.out);
      const resumeFrom = o.resume === undefined || o.resume === false ? null : path.resolve(o.resume === true ? o.out : o.resume);

      ensureTuners();
      const tuner = getTuner(method);
      const loaded = o.task
        ? await loadModelWithTokenizer(o.model, { seed, ...(numLabels ? { numLabels } : {}) })
        : await loadTargetModel(o.model, { seed, ...(numLabels ? { numLabels } : {}) });
      const model = loaded.model;
      let adapter: PeftAdapter | null = null;
      let masks: Map<string, tf.Tensor> | null = null;
      try {
        let rows: TrainExample[];
        let evalRows: TrainExample[] | null = o.evalData ? (readFisherRows(o.evalData, model.task) as TrainExample[]) : null;
        if (o.task) {
          const fromTask = await taskExamples(o.task, model, loaded.tokenizer!, { ...(o.dataDir ? { dataDir: o.dataDir } : {}), limit, evalLimit });
          rows = fromTask.train;
          evalRows ??= fromTask.validation;
        } else {
          rows = readFisherRows(o.data!, model.task) as TrainExample[];
          if (limit !== undefined) rows = rows.slice(0, limit);
        }
        adapter = tuner.inject(model, tuner.config(methodOptions(method, o), model), new Rng(seed));
        fs.mkdirSync(out, { recursive: true });
        if (resumeFrom && resumeFrom !== out) {
          const from = await findCheckpoint(resumeFrom);
          if (!from) throw new FishTuningError('no checkpoint (checkpoint/trainer_state.json) to resume from', { file: resumeFrom, option: '--resume' });
          fs.cpSync(from, path.join(out, 'checkpoint'), { recursive: true });
        }
        const resuming = resumeFrom !== null && (await findCheckpoint(out)) !== null;
        if (resumeFrom && !resuming) throw new FishTuningError('no checkpoint (checkpoint/trainer_state.json) to resume from', { file: out, option: '--resume' });

        if (maskHow !== 'none' && !resuming) {
          const candidates = adapter.trainableParameters().filter((p) => p.fishCandidate);
          const total = candidates.reduce((n, p) => n + p.variable.size, 0);
          try {
            budgetSize(total, { ratio, count });
          } catch (e) {
            throw new FishTuningError((e as Error).message.replace(/^option '\w+': /, ''), { option: ratio !== undefined ? '--ratio' : '--count' });
          }
          let scores: ScoreMap;
          if (maskHow === 'random') {
            scores = new Map(candidates.map((p) => [p.name, { shape: [...p.variable.shape], data: new Float32Array(p.variable.size) }]));
          } else {
            const samples = Math.min(fisherSamples ?? (model.task === 'causal-lm' ? 256 : 128), rows.length);
            io.err(`fisher: ${samples} samples over ${candidates.length} tensors (${total} entries)\n`);
            const fisher = await computeFisher(model, candidates, exampleData(rows as never, { task: model.task }), { samples, seed });
            try {
              await saveFisher(path.join(out, FISHER_SIDECAR_NAME), fisher, { peft_method: method, model: o.model, data: o.data ?? o.task! });
              scores = await scoresFromTensors(fisher.scores);
            } finally {
              fisher.dispose();
            }
          }
          const mask = selectMask(scores, { ...(ratio !== undefined ? { ratio } : { count }), selection: maskHow as MaskSelection, seed, metadata: { source: maskHow === 'random' ? 'random' : FISHER_SIDECAR_NAME } });
          await saveMask(path.join(out, MASK_SIDECAR_NAME), mask);
          masks = maskToTensors(mask);
          io.err(`mask: ${mask.k} of ${mask.total} PEFT entries (${((100 * mask.k) / mask.total).toPrecision(3)}%), ${maskHow}\n`);
        }

        const bar = await progressBar(o.progress && io === processIO && Boolean(process.stderr.isTTY));
        let started = false;
        const onStep = (r: StepRecord) => {
          const payload = { loss: r.loss.toFixed(4), lr: r.lr.toExponential(2), tps: Math.round(r.tokensPerSecond) };
          if (bar) {
            if (!started) bar.start(r.totalSteps, r.step - 1, payload);
            started = true;
            bar.update(r.step, payload);
          } else if (r.step === r.totalSteps || r.step % Math.max(1, Math.floor(r.totalSteps / 20)) === 0) {
            io.err(`step ${r.step}/${r.totalSteps} loss ${payload.loss} lr ${payload.lr} ${payload.tps} tok/s\n`);
          }
        };
        const glueName = o.task?.startsWith('glue/') ? o.task.slice('glue/'.length) : null;
        const evaluate = evalRows
          ? () => {
              // The first key is the one early stopping and the best checkpoint follow.
              const metrics: Record<string, number> = {};
              if (model.task === 'classification' || model.task === 'regression') {
                const predictions = predictionsOf(model, evalRows, settings.maxTokensPerMicroBatch);
                const labels = evalRows.map((r) => r.labels as number);
                if (glueName) {
                  // The task's own GLUE metric (MCC for CoLA, (F1 + accuracy)/2 for MRPC, Pearson/Spearman for STS-B).
                  const { score, metrics: parts } = glueMetric(glueName, predictions, labels);
                  Object.assign(metrics, { score }, parts);
                } else if (model.task === 'classification') {
                  metrics.accuracy = predictions.filter((p, i) => p === labels[i]).length / labels.length;
                }
              }
              metrics.eval_loss = evaluateLoss(model, evalRows, settings.maxTokensPerMicroBatch);
              return metrics;
            }
          : undefined;
        let result;
        try {
          result = await train({
            model,
            adapter,
            masks,
            train: rows,
            optimizer,
            schedule,
            sparseState: !o.denseState,
            dropout: o.trainDropout,
            activationCache,
            seed,
            outDir: out,
            resume: resuming,
            writeMask: false,
            evaluate,
            greaterIsBetter: glueName !== null || model.task === 'classification',
            ...settings,
            onStep,
          });
        } finally {
          bar?.stop();
        }
        io.out(
          `trained ${result.steps}/${result.totalSteps} steps${result.resumedFrom !== null ? ` (resumed at ${result.resumedFrom})` : ''}, last loss ${result.lastLoss?.toFixed(4)}, ` +
            `optimizer state ${result.optimizerStateBytes} B${result.best ? `, best ${result.best.metric} ${result.best.value.toFixed(4)} at step ${result.best.step}` : ''}${result.stoppedEarly ? ' (stopped early)' : ''}\n` +
            `wrote ${out}: adapter_config.json, adapter_model.safetensors, ${masks || resuming ? 'fish_mask.safetensors, ' : ''}checkpoint/, log.jsonl, metrics.json\n`,
        );
      } finally {
        if (masks) for (const m of masks.values()) m.dispose();
        adapter?.dispose();
        model.dispose();
      }
    });
}

/** Class ids (classification, argmax) or scores (regression) of `rows`, in token-budgeted chunks. */
function predictionsOf(model: Parameters<typeof evaluateLoss>[0], rows: readonly TrainExample[], maxTokens: number): number[] {
  const out: number[] = [];
  const per = Math.max(1, Math.floor(maxTokens / Math.max(...rows.map((r) => r.inputIds.length))));
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const t = Math.max(...chunk.map((r) => r.inputIds.length));
    const ids = tf.tensor2d(chunk.flatMap((r) => [...r.inputIds, ...new Array(t - r.inputIds.length).fill(0)]), [chunk.length, t], 'int32');
    const mask = tf.tensor2d(chunk.flatMap((r) => r.inputIds.map((_, j) => (r.attentionMask ? r.attentionMask[j] : 1)).concat(new Array(t - r.inputIds.length).fill(0))), [chunk.length, t], 'int32');
    const types = chunk.some((r) => r.tokenTypeIds) ? tf.tensor2d(chunk.flatMap((r) => [...(r.tokenTypeIds ?? r.inputIds.map(() => 0)), ...new Array(t - r.inputIds.length).fill(0)]), [chunk.length, t], 'int32') : undefined;
    const values = tf.tidy(() => {
      const logits = model.logits({ inputIds: ids, attentionMask: mask, ...(types ? { tokenTypeIds: types } : {}) }, { training: false });
      return (model.task === 'regression' ? tf.reshape(logits, [-1]) : tf.argMax(logits, -1)).dataSync();
    });
    tf.dispose([ids, mask, ...(types ? [types] : [])]);
    out.push(...Array.from(values));
  }
  return out;
}
