/**
 * `fish-tune eval`: evaluates a model, optionally with a saved PEFT adapter, on a data file.
 *
 * Task `loss` (the default): a JSONL file of pre-tokenised rows `{input_ids, labels?, attention_mask?}` (Hugging
 * Face conventions: labels aligned with input_ids, -100 ignored, shifted inside the model; labels default to
 * input_ids). Rows are batched in file order with right padding and the command reports the mean of the
 * per-example losses (each the mean over its supervised tokens) and the token-weighted loss (total
 * cross-entropy over all supervised tokens / their count). Further tasks (GSM8K accuracy) are one more entry
 * in TASKS.
 * @module
 */
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { Command } from 'commander';
import { FishTuningError, type PeftAdapter, type PeftTargetModel } from '@fish-tuning/core';
import { readAdapterDir } from '@fish-tuning/core/node';
import { loadLlamaModel } from '@fish-tuning/models';
import { applyLoraOrDoraFiles } from '@fish-tuning/dora';
import { selectBackend } from '../backend.js';
import type { CliIO } from '../io.js';

export interface EvalOptions {
  model: string;
  initAdapter?: string;
  data: string;
  task: string;
  batchSize: string;
  limit?: string;
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

type TaskRunner = (model: PeftTargetModel, options: EvalOptions) => Promise<Record<string, unknown>>;

/** Evaluation tasks by name; `gsm8k` (generation + answer accuracy) is added by the GSM8K work. */
export const TASKS: Record<string, TaskRunner> = {
  loss: (model, options) => evalLoss(model, readTokenRows(options.data, options.limit), positiveInt(options.batchSize, '--batch-size')),
};

function positiveInt(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new FishTuningError(`expected a positive integer, got '${text}'`, { option });
  return n;
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

/** Right-pads a batch: pad id 0, attention 0, label -100; labels default to input_ids where attended. */
export function padBatch(rows: readonly TokenRow[]): { inputIds: number[][]; attentionMask: number[][]; labels: number[][] } {
  const t = Math.max(...rows.map((r) => r.input_ids.length));
  const inputIds: number[][] = [];
  const attentionMask: number[][] = [];
  const labels: number[][] = [];
  for (const r of rows) {
    const n = r.input_ids.length;
    const mask = r.attention_mask ?? new Array(n).fill(1);
    const lab = r.labels ?? r.input_ids.map((id, i) => (mask[i] ? id : -100));
    const pad = t - n;
    inputIds.push([...r.input_ids, ...new Array(pad).fill(0)]);
    attentionMask.push([...mask, ...new Array(pad).fill(0)]);
    labels.push([...lab, ...new Array(pad).fill(-100)]);
  }
  return { inputIds, attentionMask, labels };
}

/** Supervised positions of a row after the causal shift (label i+1 predicted at position i). */
function supervisedCount(labels: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < labels.length; i++) if (labels[i] !== -100) n++;
  return n;
}

export async function evalLoss(model: PeftTargetModel, rows: readonly TokenRow[], batchSize: number): Promise<LossReport> {
  let sumMean = 0;
  let sumTokens = 0;
  let tokens = 0;
  for (let start = 0; start < rows.length; start += batchSize) {
    const chunk = rows.slice(start, start + batchSize);
    const { inputIds, attentionMask, labels } = padBatch(chunk);
    const batch = {
      inputIds: tf.tensor2d(inputIds, undefined, 'int32'),
      attentionMask: tf.tensor2d(attentionMask, undefined, 'int32'),
      labels: tf.tensor2d(labels, undefined, 'int32'),
    };
    const losses = model.perExampleLoss(batch);
    const values = await losses.data();
    tf.dispose([losses, batch.inputIds, batch.attentionMask, batch.labels]);
    labels.forEach((lab, i) => {
      const n = supervisedCount(lab);
      sumMean += values[i];
      sumTokens += values[i] * n;
      tokens += n;
    });
  }
  return { task: 'loss', examples: rows.length, tokens, mean_loss: sumMean / rows.length, token_loss: tokens ? sumTokens / tokens : 0 };
}

/** Loads a causal LM: a Hugging Face Llama directory (config.json) or a llama2.c checkpoint (dir or .bin). */
export async function loadEvalModel(path: string): Promise<PeftTargetModel> {
  const { model } = await loadLlamaModel(path);
  return model;
}

/** Applies a saved PEFT adapter directory (LoRA or DoRA; other methods join here). */
export async function loadAnyAdapter(model: PeftTargetModel, dir: string): Promise<PeftAdapter> {
  const files = await readAdapterDir(dir);
  if (files.config.peft_type === 'LORA') return applyLoraOrDoraFiles(model, files);
  throw new FishTuningError(`peft_type '${files.config.peft_type}' is not supported by eval yet (LORA with or without use_dora is)`, { file: files.configFile, option: 'peft_type' });
}

export function registerEval(program: Command, io: CliIO): void {
  program
    .command('eval')
    .description('evaluate a model (optionally with a PEFT adapter) on a data file')
    .requiredOption('--model <path>', 'Llama model: Hugging Face directory, llama2.c directory or .bin')
    .option('--init-adapter <dir>', 'PEFT adapter directory (adapter_config.json + adapter_model.safetensors)')
    .requiredOption('--data <file>', 'JSONL rows with input_ids (and optional labels, attention_mask)')
    .option('--task <name>', `what to measure: ${Object.keys(TASKS).join(' | ')}`, 'loss')
    .option('--batch-size <n>', 'examples per forward pass', '8')
    .option('--limit <n>', 'evaluate only the first n rows')
    .option('--json', 'print one JSON object')
    .action(async (options: EvalOptions, cmd: Command) => {
      await selectBackend(cmd.optsWithGlobals().backend);
      const task = TASKS[options.task];
      if (!task) throw new FishTuningError(`unknown task '${options.task}'; known: ${Object.keys(TASKS).join(', ')}`, { option: '--task' });
      const model = await loadEvalModel(options.model);
      const adapter = options.initAdapter ? await loadAnyAdapter(model, options.initAdapter) : null;
      try {
        const report = { model: options.model, adapter: options.initAdapter ?? null, ...(await task(model, options)) };
        if (options.json) io.out(`${JSON.stringify(report)}\n`);
        else for (const [k, v] of Object.entries(report)) io.out(`${k}: ${v}\n`);
      } finally {
        adapter?.dispose();
        model.dispose();
      }
    });
}
