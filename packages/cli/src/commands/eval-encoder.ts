/**
 * `fish-tune eval` for encoder classifiers (BERT, ModernBERT): rows `{input_ids, label, token_type_ids?,
 * attention_mask?}` from a JSONL file, or a GLUE split tokenized with the model's own tokenizer
 * (`--task glue/<name>` without `--data`). Reports `mean_loss` (mean per-example cross-entropy, or squared
 * error for regression — what training minimises), the predictions, and with a GLUE task its metric
 * (CoLA Matthews, STS-B Pearson/Spearman, MRPC F1/accuracy, else accuracy).
 * @module
 */
import * as fs from 'node:fs';
import { FishTuningError, collate, disposeBatch, type Example, type PeftTargetModel, type TextTokenizer } from '@fish-tuning/core';
import { acceptsTokenTypes, maxPositionsOf, numLabelsOf } from '@fish-tuning/models';
import { encodeForEncoder, glueMetric, glueTask, type GlueSplit, type GlueTaskSpec } from '@fish-tuning/datasets-glue';
import { loadGlue } from '@fish-tuning/datasets-glue/node';
import { findDataDir } from '../data-dir.js';

export interface EncoderReport {
  task: string;
  examples: number;
  /** Mean over examples of the per-example loss (cross-entropy, or squared error for regression). */
  mean_loss: number;
  /** The task's GLUE score and every metric it is built from (only with a GLUE task). */
  score?: number;
  metrics?: Record<string, number>;
  /** Class ids (classification) or values (regression), in row order. */
  predictions: number[];
}

/** `glue/<name>` → the task spec; anything else is not a GLUE task (null). */
export function glueSpecOf(task: string): GlueTaskSpec | null {
  return task.startsWith('glue/') ? glueTask(task.slice('glue/'.length)) : null;
}

function ints(value: unknown, file: string, line: number, key: string, n?: number): number[] {
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v))) throw new FishTuningError(`line ${line}: '${key}' must be an array of integers`, { file, option: key });
  if (n !== undefined && value.length !== n) throw new FishTuningError(`line ${line}: '${key}' has ${value.length} entries, input_ids ${n}`, { file, option: key });
  return value as number[];
}

/**
 * Reads encoder rows; every value is checked against the model (vocabulary, label range, 0/1 mask, finite
 * regression targets, token types only where the model has them) and errors name the file and line.
 */
export function readEncoderRows(file: string, model: PeftTargetModel, limit?: number): Example[] {
  const numLabels = numLabelsOf(model) ?? 0;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new FishTuningError(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file });
  }
  const vocab = model.dims.vocabSize;
  const rows: Example[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length && rows.length < (limit ?? Infinity); i++) {
    const raw = lines[i];
    if (!raw.trim()) continue;
    const line = i + 1;
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      throw new FishTuningError(`line ${line}: invalid JSON (${(e as Error).message})`, { file });
    }
    const inputIds = ints(obj.input_ids, file, line, 'input_ids');
    if (inputIds.length === 0) throw new FishTuningError(`line ${line}: empty input_ids`, { file, option: 'input_ids' });
    const bad = inputIds.find((id) => id < 0 || id >= vocab);
    if (bad !== undefined) throw new FishTuningError(`line ${line}: token id ${bad} is outside the vocabulary [0, ${vocab})`, { file, option: 'input_ids' });
    const label = Object.prototype.hasOwnProperty.call(obj, 'label') ? obj.label : obj.labels;
    if (model.task === 'regression') {
      if (typeof label !== 'number' || !Number.isFinite(label)) throw new FishTuningError(`line ${line}: a regression label must be a finite number, got ${JSON.stringify(label)}`, { file, option: 'label' });
    } else if (!Number.isInteger(label) || (label as number) < 0 || (label as number) >= numLabels) {
      throw new FishTuningError(`line ${line}: label ${JSON.stringify(label)} is not a class id in [0, ${numLabels})`, { file, option: 'label' });
    }
    const ex: Example = { inputIds, labels: label as number };
    if (obj.attention_mask != null) {
      const mask = ints(obj.attention_mask, file, line, 'attention_mask', inputIds.length);
      if (mask.some((m) => m !== 0 && m !== 1)) throw new FishTuningError(`line ${line}: attention_mask values must be 0 or 1`, { file, option: 'attention_mask' });
      ex.attentionMask = mask;
    }
    if (obj.token_type_ids != null) {
      if (!acceptsTokenTypes(model)) throw new FishTuningError(`line ${line}: token_type_ids given, but ${model.modelType} has no token types`, { file, option: 'token_type_ids' });
      ex.tokenTypeIds = ints(obj.token_type_ids, file, line, 'token_type_ids', inputIds.length);
    }
    rows.push(ex);
  }
  if (rows.length === 0) throw new FishTuningError('no rows', { file });
  return rows;
}

/** A GLUE split tokenized with the model's tokenizer ([CLS] a [SEP] b [SEP], truncated to the task's and the model's length). */
export async function glueSplitExamples(spec: GlueTaskSpec, split: GlueSplit, model: PeftTargetModel, tokenizer: TextTokenizer, options: { dataDir?: string; limit?: number }): Promise<Example[]> {
  const dataDir = options.dataDir ?? findDataDir();
  const rows = await loadGlue({ task: spec, split, ...(dataDir ? { dataDir } : {}), ...(options.limit ? { limit: options.limit } : {}) });
  const maxLength = Math.min(spec.maxLength, maxPositionsOf(model) ?? spec.maxLength);
  const types = acceptsTokenTypes(model);
  return rows.map((r) => {
    const f = encodeForEncoder(spec, r, tokenizer, { maxLength });
    // ModernBERT's tokenizer gives no token_type_ids (transformers' forward takes none).
    return types ? f : { inputIds: f.inputIds, attentionMask: f.attentionMask, labels: f.labels };
  });
}

export async function evalEncoder(model: PeftTargetModel, examples: readonly Example[], batchSize: number, taskName: string, spec: GlueTaskSpec | null): Promise<EncoderReport> {
  if (model.task !== 'classification' && model.task !== 'regression') throw new FishTuningError(`needs an encoder classifier, got a ${model.task} model`, { option: '--model' });
  if (spec && spec.regression !== (model.task === 'regression')) {
    throw new FishTuningError(`${spec.displayName} is a ${spec.regression ? 'regression' : 'classification'} task but the model has a ${model.task} head`, { option: '--task' });
  }
  const predictions: number[] = [];
  let sum = 0;
  for (let start = 0; start < examples.length; start += batchSize) {
    const batch = collate(examples.slice(start, start + batchSize), model.task);
    try {
      const logits = model.logits(batch);
      const loss = model.perExampleLoss(batch);
      const values = await loss.data();
      const out = (await logits.data()) as Float32Array;
      tfDispose(logits, loss);
      for (const v of values) sum += v;
      if (model.task === 'regression') predictions.push(...out);
      else {
        const n = logits.shape[1] as number;
        for (let i = 0; i < out.length / n; i++) {
          let best = 0;
          for (let j = 1; j < n; j++) if (out[i * n + j] > out[i * n + best]) best = j;
          predictions.push(best);
        }
      }
    } finally {
      disposeBatch(batch);
    }
  }
  const report: EncoderReport = { task: taskName, examples: examples.length, mean_loss: sum / examples.length, predictions };
  if (spec) {
    const labels = examples.map((e) => e.labels as number);
    const result = glueMetric(spec, predictions, labels);
    report.score = result.score;
    report.metrics = result.metrics;
  }
  return report;
}

function tfDispose(...tensors: Array<{ dispose(): void }>): void {
  for (const t of tensors) t.dispose();
}
