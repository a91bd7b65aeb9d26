/**
 * `fish-tune eval`: evaluates a model, optionally with a saved PEFT adapter, on a data file.
 *
 * Task `loss` (the default): a JSONL file of pre-tokenised rows `{input_ids, labels?, attention_mask?}` (Hugging
 * Face conventions: labels aligned with input_ids, -100 ignored, shifted inside the model; labels default to
 * input_ids). Rows are batched in file order with right padding and the command reports the mean of the
 * per-example losses (each the mean over its supervised tokens) and the token-weighted loss (total
 * cross-entropy over all supervised tokens / their count).
 *
 * Task `gsm8k`: greedy generation with a KV cache on a GSM8K split, the final number extracted from each
 * completion and compared with the reference (exact-match accuracy).
 *
 * Encoder classifiers (BERT, ModernBERT): `--data` rows `{input_ids, label, token_type_ids?, attention_mask?}`
 * give `mean_loss` (mean per-example cross-entropy or squared error) and the predictions; `--task glue/<name>`
 * adds the task's GLUE metric, and without `--data` tokenizes the task's `--split` (default validation) with
 * the model's tokenizer (see eval-encoder.ts).
 * @module
 */
import * as fs from 'node:fs';
import type { Command } from 'commander';
import { FishTuningError, IGNORE_INDEX, ownEntry, collate, disposeBatch, type Example, type PeftAdapter, type PeftTargetModel, type TextTokenizer } from '@fish-tuning/core';
import { LlamaForCausalLM, generateIds } from '@fish-tuning/models';
import { createStopChecker, evaluateGsm8k, type Gsm8kSplit } from '@fish-tuning/datasets-gsm8k';
import { loadGsm8k } from '@fish-tuning/datasets-gsm8k/node';
import { selectBackend } from '../backend.js';
import { positiveInt } from '../flags.js';
import { loadModelWithTokenizer, loadTargetModel } from '../model-loading.js';
import { loadAdapterDir } from '../adapter-loading.js';
import { evalEncoder, glueSpecOf, glueSplitExamples, readEncoderRows } from './eval-encoder.js';
import type { GlueSplit } from '@fish-tuning/datasets-glue';
import { resolveDataDir } from '../data-dir.js';
import type { CliIO } from '../io.js';
import { validateRows } from '../data-validation.js';

export interface EvalOptions {
  model: string;
  initAdapter?: string;
  data?: string;
  task: string;
  split?: string;
  dataDir?: string;
  batchSize: string;
  limit?: string;
  maxNewTokens: string;
  fewShot: string;
  json?: boolean;
}

/** One pre-tokenised example. */
export interface TokenRow {
  input_ids: number[];
  labels?: number[];
  attention_mask?: number[];
}

export type LossReport = {
  task: 'loss';
  examples: number;
  /** Supervised (label ≠ -100 after the shift) tokens. */
  tokens: number;
  /** Mean over examples of each example's mean token loss (what training minimises). */
  mean_loss: number;
  /** Σ token losses / Σ supervised tokens. */
  token_loss: number;
};

interface TaskContext {
  model: PeftTargetModel;
  tokenizer: TextTokenizer | null;
  options: EvalOptions;
  io: CliIO;
}

interface EvalTask {
  /** Whether the task decodes text (it then needs the model's tokenizer). */
  needsTokenizer: boolean;
  run(ctx: TaskContext): Promise<Record<string, unknown>>;
}

/** Evaluation tasks by name. */
export const TASKS: Record<string, EvalTask> = {
  loss: {
    needsTokenizer: false,
    run: ({ model, options }) => {
      if (!options.data) throw new FishTuningError('task loss needs --data FILE.jsonl (rows with input_ids)', { option: '--data' });
      const rows = readTokenRows(options.data, options.limit);
      validateRows(rows.map(tokenRowExample), model, options.data);
      return evalLoss(model, rows, positiveInt(options.batchSize, '--batch-size'));
    },
  },
  gsm8k: { needsTokenizer: true, run: evalGsm8k },
};

/** GSM8K accuracy by greedy generation with a KV cache (the model must be a Llama-family decoder). */
async function evalGsm8k({ model, tokenizer, options, io }: TaskContext): Promise<Record<string, unknown>> {
  if (!(model instanceof LlamaForCausalLM)) throw new FishTuningError('gsm8k generates text: it needs a causal LM (Llama-family) model', { option: '--task' });
  const split = (options.split ?? 'test') as Gsm8kSplit;
  const limit = options.limit === undefined ? undefined : positiveInt(options.limit, '--limit');
  const maxNewTokens = positiveInt(options.maxNewTokens, '--max-new-tokens');
  const fewShot = Number(options.fewShot);
  if (!Number.isInteger(fewShot) || fewShot < 0 || fewShot > 8) throw new FishTuningError(`expected 0..8 exemplars, got '${options.fewShot}'`, { option: '--few-shot' });
  const examples = await loadGsm8k({ split, dataDir: resolveDataDir(options.dataDir, 'gsm8k'), ...(limit ? { limit } : {}) });
  const positions = model.config.maxPositionEmbeddings;
  const result = await evaluateGsm8k({
    examples,
    tokenizer: tokenizer!,
    fewShot,
    maxNewTokens,
    generate: (promptIds, { maxNewTokens: budget, stop }) =>
      generateIds(model, promptIds, {
        // Never run past the model's context: a long prompt leaves fewer new tokens.
        maxNewTokens: Math.max(0, Math.min(budget, positions - promptIds.length)),
        temperature: 0,
        stopIds: stop.eosId === undefined ? [] : [stop.eosId],
        shouldStop: createStopChecker(tokenizer!, stop),
      }),
    onResult: (r, i, total) => {
      if (!options.json) io.err(`[${i + 1}/${total}] predicted ${r.predicted ?? '-'}, reference ${r.reference}${r.correct ? ' (correct)' : ''}\n`);
    },
  });
  return {
    task: 'gsm8k',
    split,
    examples: result.total,
    correct: result.correct,
    accuracy: result.accuracy,
    few_shot: fewShot,
    max_new_tokens: maxNewTokens,
    results: result.results.map(({ idx, completion, predicted, reference, correct, stoppedBy }) => ({ idx, predicted: predicted ?? null, reference, correct, stopped_by: stoppedBy, completion })),
  };
}

function intArray(value: unknown, file: string, line: number, key: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v))) {
    throw new FishTuningError(`line ${line}: '${key}' must be an array of integers`, { file, option: key });
  }
  return value as number[];
}

/** Reads `{input_ids, labels?, attention_mask?}` rows from a JSONL file (errors name the file and line). */
export function readTokenRows(file: string, limit?: string): TokenRow[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new FishTuningError(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file });
  }
  const max = limit === undefined ? Infinity : positiveInt(limit, '--limit');
  const rows: TokenRow[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim() || rows.length >= max) return;
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      throw new FishTuningError(`line ${i + 1}: invalid JSON (${(e as Error).message})`, { file });
    }
    const row: TokenRow = { input_ids: intArray(obj.input_ids, file, i + 1, 'input_ids') };
    if (row.input_ids.length === 0) throw new FishTuningError(`line ${i + 1}: empty input_ids`, { file, option: 'input_ids' });
    for (const key of ['labels', 'attention_mask'] as const) {
      if (obj[key] === undefined || obj[key] === null) continue;
      const v = intArray(obj[key], file, i + 1, key);
      if (v.length !== row.input_ids.length) throw new FishTuningError(`line ${i + 1}: '${key}' has ${v.length} entries, input_ids ${row.input_ids.length}`, { file, option: key });
      row[key] = v;
    }
    rows.push(row);
  });
  if (rows.length === 0) throw new FishTuningError('no rows', { file });
  return rows;
}

/** A JSONL row as core's Example; labels default to input_ids where attended (ignored elsewhere). */
export function tokenRowExample(r: TokenRow): Example {
  const mask = r.attention_mask;
  return {
    inputIds: r.input_ids,
    ...(mask ? { attentionMask: mask } : {}),
    labels: r.labels ?? r.input_ids.map((id, i) => (mask && !mask[i] ? IGNORE_INDEX : id)),
  };
}

/** Supervised positions of a row after the causal shift (label i+1 predicted at position i). */
function supervisedCount(labels: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < labels.length; i++) if (labels[i] !== IGNORE_INDEX) n++;
  return n;
}

export async function evalLoss(model: PeftTargetModel, rows: readonly TokenRow[], batchSize: number): Promise<LossReport> {
  let sumMean = 0;
  let sumTokens = 0;
  let tokens = 0;
  for (let start = 0; start < rows.length; start += batchSize) {
    const chunk = rows.slice(start, start + batchSize).map(tokenRowExample);
    const batch = collate(chunk, 'causal-lm');
    const losses = model.perExampleLoss(batch);
    const values = await losses.data();
    losses.dispose();
    disposeBatch(batch);
    chunk.forEach((ex, i) => {
      const n = supervisedCount(ex.labels as readonly number[]);
      sumMean += values[i];
      sumTokens += values[i] * n;
      tokens += n;
    });
  }
  return { task: 'loss', examples: rows.length, tokens, mean_loss: sumMean / rows.length, token_loss: tokens ? sumTokens / tokens : 0 };
}

export function registerEval(program: Command, io: CliIO): void {
  program
    .command('eval')
    .description('evaluate a model (optionally with a PEFT adapter): token loss on a data file, or GSM8K accuracy')
    .requiredOption('--model <path>', 'model: llama2.c file/dir or Hugging Face dir')
    .option('--init-adapter <dir>', 'PEFT adapter directory (adapter_config.json + adapter_model.safetensors), any method')
    .option('--task <name>', `what to measure: ${Object.keys(TASKS).join(' | ')} | glue/<name> (encoder classifiers: the task's metric)`, 'loss')
    .option('--data <file>', 'loss: JSONL rows with input_ids (and optional labels, attention_mask); encoders: input_ids, label, token_type_ids?, attention_mask?')
    .option('--split <name>', 'gsm8k: train | test (default test); glue/<name> without --data: train | validation (default validation)')
    .option('--data-dir <dir>', 'gsm8k: directory with train.jsonl/test.jsonl (default: $FISH_TUNING_DATA or ../shared/data)')
    .option('--batch-size <n>', 'loss: examples per forward pass', '8')
    .option('--limit <n>', 'evaluate only the first n rows/examples')
    .option('--max-new-tokens <n>', 'gsm8k: generation budget per question', '256')
    .option('--few-shot <k>', 'gsm8k: chain-of-thought exemplars (Wei et al.) before each question, 0..8', '0')
    .option('--json', 'print one JSON object')
    .action(async (options: EvalOptions, cmd: Command) => {
      await selectBackend(cmd.optsWithGlobals().backend);
      const glue = glueSpecOf(options.task);
      const task = glue ? null : ownEntry(TASKS, options.task) ?? null;
      if (!task && !glue) throw new FishTuningError(`unknown task '${options.task}'; known: ${Object.keys(TASKS).join(', ')}, glue/<name>`, { option: '--task' });
      // A GLUE task sizes the head (classes, or one output for STS-B); a saved adapter's head replaces it.
      const head = glue ? { numLabels: glue.numLabels, numLabelsOption: '--task' } : {};
      const needsTokenizer = task ? task.needsTokenizer : !options.data;
      const { model, tokenizer, initialised = [] } = needsTokenizer ? await loadModelWithTokenizer(options.model, { seed: 0, ...head }) : await loadTargetModel(options.model, { seed: 0, ...head });
      let adapter: PeftAdapter | null = null;
      try {
        adapter = options.initAdapter ? await loadAdapterDir(model, options.initAdapter) : null;
        const encoder = model.task === 'classification' || model.task === 'regression';
        if (glue && !encoder) throw new FishTuningError(`${options.task} is evaluated on encoder classifiers (bert, modernbert); ${model.modelType} is a ${model.task} model (use --task loss with --data)`, { option: '--task' });
        let result: Record<string, unknown>;
        if (encoder && (glue || options.task === 'loss')) {
          const limit = options.limit === undefined ? undefined : positiveInt(options.limit, '--limit');
          const batchSize = positiveInt(options.batchSize, '--batch-size');
          let examples;
          if (options.data) examples = readEncoderRows(options.data, model, limit);
          else if (glue) {
            const split = options.split ?? 'validation';
            if (split !== 'train' && split !== 'validation') throw new FishTuningError(`expected train or validation (GLUE test splits are unlabeled), got '${split}'`, { option: '--split' });
            examples = await glueSplitExamples(glue, split as GlueSplit, model, tokenizer!, { ...(options.dataDir ? { dataDir: options.dataDir } : {}), ...(limit ? { limit } : {}) });
          } else throw new FishTuningError('task loss needs --data FILE.jsonl (rows with input_ids and label)', { option: '--data' });
          // Say where the classifier came from: a score of a freshly initialised head means nothing.
          const saved = (adapter?.config as { modules_to_save?: unknown } | undefined)?.modules_to_save;
          const fromAdapter = Array.isArray(saved) && saved.includes('classifier');
          const headSource = fromAdapter ? 'adapter' : initialised.includes('classifier.weight') ? 'random (seed 0): the checkpoint has no classifier of this size' : 'checkpoint';
          result = { ...(await evalEncoder(model, examples, batchSize, options.task, glue)), head: headSource, ...(glue && !options.data ? { split: options.split ?? 'validation' } : {}) };
        } else result = await task!.run({ model, tokenizer, options, io });
        const report = { model: options.model, adapter: options.initAdapter ?? null, ...result };
        if (options.json) io.out(`${JSON.stringify(report)}\n`);
        else for (const [k, v] of Object.entries(report)) if (k !== 'results' && k !== 'predictions') io.out(`${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : v}\n`);
      } finally {
        adapter?.dispose();
        model.dispose();
      }
    });
}
