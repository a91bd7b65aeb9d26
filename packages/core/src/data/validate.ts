/**
 * Data values checked before they reach a model: every data path (JSONL rows, GLUE, GSM8K, Fisher,
 * training, evaluation) runs its examples through {@link validateExamples}. A value the model cannot
 * use meaningfully is refused naming the file, the line and the field — instead of a crash inside
 * GatherV2 (token ids outside the embedding) or a finished run with a meaningless number (labels
 * outside the classes, a GLUE test split's -1 labels, rows with nothing to learn from).
 * @module
 */
import { FishTuningError } from '../errors.js';
import type { ModelTask } from '../model.js';

/** The label value the loss ignores (PyTorch's ignore_index). */
const IGNORED = -100;

/** What a row may hold (the fields of core's Example; structural so any row type fits). */
export interface ValidatableExample {
  readonly inputIds: readonly number[];
  readonly attentionMask?: readonly number[];
  readonly tokenTypeIds?: readonly number[];
  readonly labels?: readonly number[] | number;
}

export interface ValidationContext {
  task: ModelTask;
  /** Size of the model's token embedding: ids and token labels must lie in [0, vocabSize). */
  vocabSize: number;
  /** Classification: labels must be integers in [0, numLabels). */
  numLabels?: number;
  /** BERT segment embeddings (type_vocab_size); token_type_ids must lie in [0, typeVocabSize). */
  typeVocabSize?: number;
  /** Largest sequence the model takes (position embeddings); longer rows are refused. */
  maxLength?: number;
  /** Whether rows must carry labels (training, Fisher, loss evaluation). Default true. */
  requireLabels?: boolean;
  /** The file the rows came from, named in errors. */
  file?: string;
  /** The 1-based line (or row label) of example i in that file; default i + 1. */
  lineOf?: (index: number) => number | string;
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** Throws a FishTuningError naming the file, line and field of the first bad value; returns the rows checked. */
export function validateExamples(examples: readonly ValidatableExample[], ctx: ValidationContext): number {
  const requireLabels = ctx.requireLabels ?? true;
  examples.forEach((e, i) => validateExample(e, i, ctx, requireLabels));
  return examples.length;
}

function validateExample(e: ValidatableExample, i: number, ctx: ValidationContext, requireLabels: boolean): void {
  const line = ctx.lineOf ? ctx.lineOf(i) : i + 1;
  const fail = (field: string, message: string): never => {
    throw new FishTuningError(`line ${line}: ${message}`, { ...(ctx.file !== undefined ? { file: ctx.file } : {}), option: field });
  };
  const ids = e.inputIds;
  if (!Array.isArray(ids) || ids.length === 0) fail('input_ids', 'input_ids must be a non-empty list of token ids');
  if (ctx.maxLength !== undefined && ids.length > ctx.maxLength) {
    fail('input_ids', `${ids.length} tokens, more than the model's ${ctx.maxLength} positions; truncate the row (e.g. a smaller max length)`);
  }
  ids.forEach((v, j) => {
    if (!isInt(v) || v < 0 || v >= ctx.vocabSize) fail('input_ids', `input_ids[${j}] = ${JSON.stringify(v)} is not a token id of this model's vocabulary [0, ${ctx.vocabSize})`);
  });
  if (e.attentionMask !== undefined) {
    if (e.attentionMask.length !== ids.length) fail('attention_mask', `attention_mask has ${e.attentionMask.length} entries, input_ids ${ids.length}`);
    let ones = 0;
    e.attentionMask.forEach((v, j) => {
      if (v !== 0 && v !== 1) fail('attention_mask', `attention_mask[${j}] = ${JSON.stringify(v)}; only 0 (padding) and 1 (token) are allowed`);
      ones += v;
    });
    if (ones === 0) fail('attention_mask', 'attention_mask is all 0: the row has no token to attend to');
  }
  if (e.tokenTypeIds !== undefined) {
    if (e.tokenTypeIds.length !== ids.length) fail('token_type_ids', `token_type_ids has ${e.tokenTypeIds.length} entries, input_ids ${ids.length}`);
    const limit = ctx.typeVocabSize ?? 2;
    e.tokenTypeIds.forEach((v, j) => {
      if (!isInt(v) || v < 0 || v >= limit) fail('token_type_ids', `token_type_ids[${j}] = ${JSON.stringify(v)} is outside [0, ${limit})`);
    });
  }
  const labels = e.labels;
  if (labels === undefined) {
    if (requireLabels && ctx.task !== 'causal-lm' && ctx.task !== 'encoder') fail('label', 'the row has no label');
    return;
  }
  if (ctx.task === 'causal-lm') checkTokenLabels(labels, ids.length, e.attentionMask, ctx.vocabSize, fail);
  else if (ctx.task === 'classification') checkClassLabel(labels, ctx.numLabels, fail);
  else if (ctx.task === 'regression') {
    if (typeof labels !== 'number' || !Number.isFinite(labels)) fail('label', `regression label ${JSON.stringify(labels)} is not a finite number`);
  }
}

function checkTokenLabels(labels: readonly number[] | number, n: number, mask: readonly number[] | undefined, vocab: number, fail: (field: string, m: string) => never): void {
  if (!Array.isArray(labels)) return void fail('labels', `a causal LM needs one label per token, got ${JSON.stringify(labels)}`);
  if (labels.length !== n) fail('labels', `labels has ${labels.length} entries, input_ids ${n}`);
  let supervised = 0;
  labels.forEach((v, j) => {
    if (!isInt(v) || (v !== IGNORED && (v < 0 || v >= vocab))) fail('labels', `labels[${j}] = ${JSON.stringify(v)} is neither ${IGNORED} (ignored) nor a token id in [0, ${vocab})`);
    // Labels are shifted inside the model: position 0 is never predicted, and padding never counts.
    if (j > 0 && v !== IGNORED && (!mask || mask[j] === 1)) supervised++;
  });
  if (supervised === 0) fail('labels', `every label is ignored (${IGNORED}, padding, or only the first position, which is never predicted): the row has nothing to learn from`);
}

function checkClassLabel(labels: readonly number[] | number, numLabels: number | undefined, fail: (field: string, m: string) => never): void {
  if (typeof labels !== 'number') return void fail('label', `a classifier needs one class id, got ${JSON.stringify(labels)}`);
  if (labels === -1) fail('label', 'label -1 marks an unlabelled row (a GLUE test split); train and evaluate on the train/validation splits');
  if (!Number.isInteger(labels)) fail('label', `class label ${labels} is not an integer`);
  if (labels < 0 || (numLabels !== undefined && labels >= numLabels)) fail('label', `class label ${labels} is outside [0, ${numLabels ?? '∞'})${numLabels !== undefined ? ` (the model has ${numLabels} labels)` : ''}`);
}
