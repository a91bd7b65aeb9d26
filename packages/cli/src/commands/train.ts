/**
 * `fish-tune train`: Fisher → mask → masked training → evaluation, in one run — the library's
 * `fishTuneInDir` (@fish-tuning/pipeline/node) behind flags. Writes into --out the PEFT-format adapter of
 * the last step (adapter_config.json + adapter_model.safetensors), the Fisher scores
 * (fish_fisher.safetensors) and mask (fish_mask.safetensors), the trainer checkpoint (checkpoint/:
 * weights, sparse optimizer state, RNG, data position), the best evaluated step (best/), log.jsonl and
 * metrics.json. `--out` is locked for the run and must be empty unless `--overwrite` or `--resume`;
 * `--resume` continues a killed run exactly (flags that change the numbers must match run_options.json
 * unless `--allow-changed-flags`; the mask comes from the checkpoint; Fisher is not
 * recomputed) and leaves a finished run as it is.
 *
 * Data: `--data` pre-tokenized JSONL (`input_ids`, `labels`|`label`, optional `attention_mask`,
 * `token_type_ids`), the same rows `fish-tune fisher` reads; or `--task glue/<name> | gsm8k` (train-task.ts).
 * @module
 */
import * as path from 'node:path';
import type { Command } from 'commander';
import { FishTuningError, getTuner, type Example } from '@fish-tuning/core';
import { MASK_BUDGETS, type MaskBudget } from '@fish-tuning/mask';
import { CACHE_MODES, OPTIMIZERS, SCHEDULES, type CacheMode, type OptimizerName, type ScheduleName, type StepRecord, type TrainResult } from '@fish-tuning/trainer';
import { MASK_CHOICES, type FishTuneMessage, type MaskChoice, type MetricFn } from '@fish-tuning/pipeline';
import { fishTuneInDir, sha256Of } from '@fish-tuning/pipeline/node';
import * as fs from 'node:fs';
import { glueMetric } from '@fish-tuning/datasets-glue';
import { defaultMaxTokens, selectBackend } from '../backend.js';
import { readFisherRows } from './fisher.js';
import { validateRows } from '../data-validation.js';
import { taskExamples } from './train-task.js';
import { ensureTuners } from '../adapter-loading.js';
import { hiddenAlias, resolveAliases, FLAG_OF_OPTION } from '../aliases.js';
import { int, num, oneOf } from '../flags.js';
import { METHODS, methodOptions, type MethodFlags } from '../method-options.js';
import { loadModelWithTokenizer, loadTargetModel } from '../model-loading.js';
import { processIO, type CliIO } from '../io.js';

export { MASK_CHOICES };

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
  select: string;
  budget: string;
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
  overwrite?: boolean;
  resume?: string | boolean;
  allowChangedFlags?: boolean;
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

/** One evaluation as a terminal line: `eval step 40 (epoch 1.00): score 0.8125, accuracy 0.8125, eval_loss 0.4311`. */
export function evalLine(step: number, epoch: number, metrics: Record<string, number>): string {
  const parts = Object.entries(metrics).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`);
  return `eval step ${step} (epoch ${epoch.toFixed(2)}): ${parts.join(', ')}\n`;
}

/** A library note or warning on stderr, naming the flag rather than the library option. */
function printMessage(io: CliIO, m: FishTuneMessage): void {
  if (m.option === 'init_lora_weights' && m.level === 'warning') {
    io.err('fish-tune: warning (--init): this init starts lora_B at zero, so every lora_A entry has a Fisher of 0 and --select fish can pick only lora_B entries; --init pissa (the default with --select fish, the paper’s) avoids this\n');
    return;
  }
  const flag = m.option !== undefined && Object.prototype.hasOwnProperty.call(FLAG_OF_OPTION, m.option) ? FLAG_OF_OPTION[m.option] : undefined;
  if (m.level === 'warning') io.err(`fish-tune: warning${flag ? ` (${flag})` : ''}: ${m.message}\n`);
  else io.err(`${m.message}${flag && !m.message.startsWith('fisher:') ? ` (${flag})` : ''}\n`);
}

export function registerTrain(program: Command, io: CliIO): void {
  const cmd = program
    .command('train')
    .description('Fisher → FISH mask → masked PEFT training → evaluation; writes a PEFT-format adapter, mask, Fisher, checkpoint, best/, log.jsonl, metrics.json')
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
    .option('--init <how>', 'LoRA/DoRA init: default (Kaiming A, zero B) | gaussian | pissa (the paper; the default with --select fish)')
    .option('--lora-dropout <p>', 'LoRA/DoRA lora_dropout')
    .option('--targets <list>', 'target modules, comma separated')
    .option('--layers <spec>', "layers to adapt: 'all', 'top:n' or '0,3,5'")
    .option('--virtual-tokens <n>', 'prefix length (prefix, unipelt)')
    .option('--num-labels <n>', 'classifier size of a BERT model')
    .option('--select <how>', `which entries to train: ${MASK_CHOICES.join(' | ')}`, 'fish')
    .option('--ratio <r>', 'fraction of PEFT entries to train, in (0, 1]')
    .option('--count <k>', 'number of PEFT entries to train')
    .option('--budget <how>', `how k is shared: ${MASK_BUDGETS.join(' | ')}`, 'global')
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
    .requiredOption('--out <dir>', 'output directory (must be empty unless --overwrite or --resume)')
    .option('--overwrite', 'replace a previous run’s files in --out')
    .option('--resume [dir]', 'continue the run whose checkpoint is in dir (default: --out); a finished run is left as it is')
    .option('--allow-changed-flags', 'with --resume: continue even when flags that change the numbers (lr, data, optimizer, schedule, init, seed, mask, method options) differ from the first start')
    .option('--no-progress', 'no progress bar even on a TTY');
  hiddenAlias(cmd, '--mask <how>', '--select');
  cmd.action(async (o: TrainCliOptions, command: Command) => {
    resolveAliases(command, io);
    const backend = await selectBackend(command.optsWithGlobals().backend);
    // Validate every flag before loading anything.
    const method = oneOf(o.method, METHODS, '--method');
    const select = oneOf(o.select, MASK_CHOICES, '--select') as MaskChoice;
    const budget = oneOf(o.budget, MASK_BUDGETS, '--budget') as MaskBudget;
    if (o.task !== undefined && !/^glue\/\w+$|^gsm8k$/.test(o.task)) throw new FishTuningError(`unknown task '${o.task}'; accepted: glue/<name>, gsm8k`, { option: '--task' });
    if ((o.task === undefined) === (o.data === undefined)) throw new FishTuningError('give exactly one of --data FILE.jsonl and --task', { option: '--data' });
    const limit = o.limit === undefined ? undefined : int(o.limit, '--limit');
    const evalLimit = o.evalLimit === undefined ? undefined : int(o.evalLimit, '--eval-limit');
    if (select === 'none' && (o.ratio !== undefined || o.count !== undefined)) throw new FishTuningError('--select none trains every entry; drop --ratio/--count', { option: '--select' });
    if (select !== 'none' && (o.ratio === undefined) === (o.count === undefined)) throw new FishTuningError(`--select ${select} needs exactly one of --ratio and --count`, { option: '--ratio' });
    const ratio = o.ratio === undefined ? undefined : num(o.ratio, '--ratio', (n) => n > 0 && n <= 1, 'a number in (0, 1]');
    const count = o.count === undefined ? undefined : int(o.count, '--count');
    if (o.epochs !== undefined && o.maxSteps !== undefined) throw new FishTuningError('give --epochs or --max-steps, not both', { option: '--max-steps' });
    if (o.overwrite && o.resume !== undefined && o.resume !== false) throw new FishTuningError('--overwrite replaces the run that --resume would continue; give one', { option: '--overwrite' });
    const seed = int(o.seed, '--seed', 0);
    const optimizer = oneOf(o.optimizer, OPTIMIZERS, '--optimizer') as OptimizerName;
    const schedule = oneOf(o.schedule, SCHEDULES, '--schedule') as ScheduleName;
    const activationCache = oneOf(o.activationCache, CACHE_MODES, '--activation-cache') as CacheMode;
    const settings = {
      ...(o.epochs !== undefined ? { epochs: int(o.epochs, '--epochs') } : {}),
      ...(o.maxSteps !== undefined ? { maxSteps: int(o.maxSteps, '--max-steps') } : {}),
      lr: num(o.lr, '--lr', (n) => n >= 0, 'a number ≥ 0'),
      batchSize: int(o.batchSize, '--batch-size'),
      gradAccumulation: int(o.gradAccumulation, '--grad-accumulation'),
      maxTokensPerMicroBatch: o.maxTokens === undefined ? defaultMaxTokens(backend) : int(o.maxTokens, '--max-tokens'),
      ...(o.weightDecay !== undefined ? { weightDecay: num(o.weightDecay, '--weight-decay', (n) => n >= 0, 'a number ≥ 0') } : {}),
      warmupRatio: num(o.warmupRatio, '--warmup-ratio', (n) => n >= 0 && n <= 1, 'a number in [0, 1]'),
      clipNorm: num(o.clipNorm, '--clip-norm', (n) => n >= 0, 'a number ≥ 0'),
      evalEvery: o.evalEvery === undefined ? ('epoch' as const) : int(o.evalEvery, '--eval-every'),
      patience: o.patience === undefined ? null : int(o.patience, '--patience'),
      ...(o.checkpointEvery !== undefined ? { checkpointEvery: int(o.checkpointEvery, '--checkpoint-every') } : {}),
    };
    const fisherSamples = o.fisherSamples === undefined ? undefined : int(o.fisherSamples, '--fisher-samples');
    const numLabels = o.numLabels === undefined ? undefined : int(o.numLabels, '--num-labels');
    const config = methodOptions(method, o);
    const out = path.resolve(o.out);
    const resumeFrom = o.resume === undefined || o.resume === false ? null : path.resolve(o.resume === true ? o.out : o.resume);

    ensureTuners();
    getTuner(method);
    const loaded = o.task
      ? await loadModelWithTokenizer(o.model, { seed, ...(numLabels ? { numLabels } : {}) })
      : await loadTargetModel(o.model, { seed, ...(numLabels ? { numLabels } : {}) });
    const model = loaded.model;
    let disposeAdapter: (() => void) | null = null;
    try {
      let rows: Example[];
      let evalRows: Example[] | null = o.evalData ? readFisherRows(o.evalData, model) : null;
      if (o.task) {
        const fromTask = await taskExamples(o.task, model, loaded.tokenizer!, { ...(o.dataDir ? { dataDir: o.dataDir } : {}), limit, evalLimit });
        rows = fromTask.train;
        validateRows(rows, model, `${o.task} train split`);
        if (!evalRows && fromTask.validation) validateRows(fromTask.validation, model, `${o.task} validation split`);
        evalRows ??= fromTask.validation;
      } else {
        rows = readFisherRows(o.data!, model);
        if (limit !== undefined) rows = rows.slice(0, limit);
      }
      const glueName = o.task?.startsWith('glue/') ? o.task.slice('glue/'.length) : null;
      // The task's own GLUE metric (MCC for CoLA, (F1 + accuracy)/2 for MRPC, Pearson/Spearman for STS-B), first: it decides best/ and early stopping.
      const metric: MetricFn | undefined =
        glueName && model.task !== 'causal-lm'
          ? (predictions, labels) => {
              const { score, metrics } = glueMetric(glueName, predictions, labels);
              return { score, ...metrics };
            }
          : undefined;

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
      let result;
      try {
        result = await fishTuneInDir({
          model,
          method,
          config,
          train: rows,
          ...(evalRows ? { validation: evalRows } : {}),
          ...(metric ? { metric } : {}),
          mask: select,
          ...(ratio !== undefined ? { ratio } : {}),
          ...(count !== undefined ? { count } : {}),
          budget,
          ...(fisherSamples !== undefined ? { fisher: { samples: fisherSamples } } : {}),
          seed,
          training: { optimizer, schedule, sparseState: !o.denseState, dropout: o.trainDropout, activationCache, ...settings },
          outDir: out,
          overwrite: o.overwrite === true,
          resume: resumeFrom !== null,
          ...(resumeFrom !== null ? { resumeFrom } : {}),
          runOptions: runFlags(o, rows, { method, select, budget, ratio, count, fisherSamples, seed, optimizer, schedule, settings }),
          allowChangedOptions: o.allowChangedFlags === true,
          fisherMetadata: { model: o.model, data: o.data ?? o.task! },
          onMessage: (m) => printMessage(io, m),
          onProgress: (p) => {
            if (p.phase === 'train') onStep(p.step);
            else if (p.phase === 'eval') {
              bar?.stop();
              started = false;
              io.err(evalLine(p.done, p.epoch, p.metrics));
            }
          },
        });
      } finally {
        bar?.stop();
      }
      const { adapter } = result;
      disposeAdapter = () => adapter.dispose();
      io.out(runSummary(result.train, out, result.mask !== null || resumeFrom !== null));
    } finally {
      disposeAdapter?.();
      model.dispose();
    }
  });
}

/**
 * The flags that decide the run's numbers, by flag (recorded in --out/run_options.json, compared on
 * --resume): parsed values, and the data by content (sha256 of the --data file, or of --task's rows).
 */
function runFlags(
  o: TrainCliOptions,
  rows: readonly Example[],
  p: { method: string; select: string; budget: string; ratio?: number; count?: number; fisherSamples?: number; seed: number; optimizer: string; schedule: string; settings: Record<string, unknown> },
): Record<string, unknown> {
  const n = (v: string | undefined) => (v === undefined ? null : Number(v));
  const s = p.settings;
  return {
    '--model': o.model,
    ...(o.data !== undefined ? { '--data': `sha256:${sha256Of(fs.readFileSync(o.data))}` } : { '--task': o.task, '--task rows': `sha256:${sha256Of(rows)}` }),
    '--limit': n(o.limit),
    '--method': p.method,
    '--rank': n(o.rank),
    '--alpha': n(o.alpha),
    '--init': o.init ?? null,
    '--lora-dropout': n(o.loraDropout),
    '--targets': o.targets ?? null,
    '--layers': o.layers ?? null,
    '--virtual-tokens': n(o.virtualTokens),
    '--num-labels': n(o.numLabels),
    '--select': p.select,
    '--ratio': p.ratio ?? null,
    '--count': p.count ?? null,
    '--budget': p.budget,
    '--fisher-samples': p.fisherSamples ?? null,
    '--seed': p.seed,
    '--lr': s.lr,
    '--optimizer': p.optimizer,
    '--weight-decay': s.weightDecay ?? null,
    '--schedule': p.schedule,
    '--warmup-ratio': s.warmupRatio,
    '--epochs': s.epochs ?? null,
    '--max-steps': s.maxSteps ?? null,
    '--batch-size': s.batchSize,
    '--grad-accumulation': s.gradAccumulation,
    '--clip-norm': s.clipNorm,
    '--train-dropout': o.trainDropout,
  };
}

/** The closing lines: what was trained, the best evaluation and where its adapter is, what was written. */
export function runSummary(r: TrainResult, out: string, masked: boolean): string {
  if (r.finishedBefore) {
    return `nothing to do: the run in ${out} already finished at step ${r.steps}/${r.totalSteps}${r.stoppedEarly ? ' (stopped early)' : ''}; its files are unchanged` +
      `${r.best ? `, best ${r.best.metric} ${r.best.value.toFixed(4)} at step ${r.best.step} (in ${path.join(out, 'best')}/)` : ''}\n`;
  }
  const best = r.best
    ? `best ${r.best.metric} ${r.best.value.toFixed(4)} at step ${r.best.step}: adapter in ${path.join(out, 'best')}/ (the adapter in ${out} is step ${r.steps}'s)\n`
    : '';
  return (
    `trained ${r.steps}/${r.totalSteps} steps${r.resumedFrom !== null ? ` (resumed at ${r.resumedFrom})` : ''}, last loss ${r.lastLoss?.toFixed(4)}, ` +
    `optimizer state ${r.optimizerStateBytes} B${r.stoppedEarly ? ' (stopped early)' : ''}\n` +
    best +
    `wrote ${out}: adapter_config.json, adapter_model.safetensors, ${masked ? 'fish_mask.safetensors, ' : ''}checkpoint/, ${r.best ? 'best/, ' : ''}log.jsonl, metrics.json\n`
  );
}
