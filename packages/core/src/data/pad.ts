/**
 * Right padding of tokenized examples to one length — the one collation of the library. Input ids get
 * the pad id, attention mask and token types 0, token labels {@link IGNORE_INDEX}; scalar labels (class
 * ids, regression targets) stay one per row. The result is flat typed arrays; {@link collate} turns them
 * into a model batch and {@link padRows} into plain rows.
 * @module
 */
import { FishTuningError } from '../errors.js';
import type { ModelTask } from '../model.js';
import { IGNORE_INDEX, type Example } from './example.js';

export interface PadOptions {
  /** Token id written into padded positions (masked out by the attention mask). Default 0. */
  padTokenId?: number;
  /** Pad to this length instead of the longest row (must be at least the longest). */
  padTo?: number;
  /**
   * Checks the labels against the model's task (token labels for 'causal-lm', one number otherwise) and
   * makes regression labels float32. Without it the labels' kind is taken from the rows.
   */
  task?: ModelTask;
}

/** A padded batch as flat row-major arrays of `batch × length`. */
export interface PaddedExamples {
  batch: number;
  length: number;
  inputIds: Int32Array;
  attentionMask: Int32Array;
  /** Present when some row has token types (the others get zeros). */
  tokenTypeIds?: Int32Array;
  /** 'tokens': `batch × length` int32; 'class': `batch` int32; 'score': `batch` float32; 'none': no labels. */
  labelKind: 'tokens' | 'class' | 'score' | 'none';
  labels?: Int32Array | Float32Array;
}

function checkRow(e: Example, i: number): void {
  const n = e.inputIds.length;
  for (const [key, v] of [['attentionMask', e.attentionMask], ['tokenTypeIds', e.tokenTypeIds]] as const) {
    if (v && v.length !== n) throw new FishTuningError(`example ${i}: '${key}' has ${v.length} entries, inputIds ${n}`, { option: key });
  }
  if (Array.isArray(e.labels) && e.labels.length !== n) throw new FishTuningError(`example ${i}: 'labels' has ${e.labels.length} entries, inputIds ${n}`, { option: 'labels' });
}

/** Pads `examples` on the right to their longest row (or `padTo`). */
export function padExamples(examples: readonly Example[], options: PadOptions = {}): PaddedExamples {
  if (examples.length === 0) throw new FishTuningError('cannot pad an empty batch', { option: 'batchSize' });
  const pad = options.padTokenId ?? 0;
  const b = examples.length;
  const longest = Math.max(...examples.map((e) => e.inputIds.length));
  const t = options.padTo ?? longest;
  if (t < longest) throw new FishTuningError(`padTo ${t} is shorter than the longest row (${longest})`, { option: 'padTo' });
  const inputIds = new Int32Array(b * t).fill(pad);
  const attentionMask = new Int32Array(b * t);
  const tokenTypeIds = examples.some((e) => e.tokenTypeIds) ? new Int32Array(b * t) : undefined;
  examples.forEach((e, i) => {
    checkRow(e, i);
    for (let j = 0; j < e.inputIds.length; j++) {
      inputIds[i * t + j] = e.inputIds[j];
      attentionMask[i * t + j] = e.attentionMask ? e.attentionMask[j] : 1;
      if (tokenTypeIds && e.tokenTypeIds) tokenTypeIds[i * t + j] = e.tokenTypeIds[j];
    }
  });
  const out: PaddedExamples = { batch: b, length: t, inputIds, attentionMask, ...(tokenTypeIds ? { tokenTypeIds } : {}), labelKind: 'none' };
  if (examples.every((e) => e.labels === undefined)) return out;
  const task = options.task;
  const tokens = task === undefined ? examples.every((e) => Array.isArray(e.labels)) : task === 'causal-lm';
  if (tokens) {
    const labels = new Int32Array(b * t).fill(IGNORE_INDEX);
    examples.forEach((e, i) => {
      if (!Array.isArray(e.labels)) {
        throw new FishTuningError(`example ${i}: ${task ? 'a causal LM needs' : 'rows mix token labels and scalar labels; expected'} token labels (an array), got ${JSON.stringify(e.labels)}`, { option: 'labels' });
      }
      (e.labels as readonly number[]).forEach((v, j) => (labels[i * t + j] = v));
    });
    return { ...out, labelKind: 'tokens', labels };
  }
  const values = examples.map((e, i) => {
    if (typeof e.labels !== 'number') {
      throw new FishTuningError(`example ${i}: ${task ? `a ${task} model needs` : 'rows mix token labels and scalar labels; expected'} one number as label, got ${JSON.stringify(e.labels)}`, { option: 'labels' });
    }
    return e.labels;
  });
  return task === 'regression' ? { ...out, labelKind: 'score', labels: Float32Array.from(values) } : { ...out, labelKind: 'class', labels: Int32Array.from(values) };
}

/** Plain rows of a padded batch (`number[][]`), for callers that build their own tensors or JSON. */
export interface PaddedRows {
  inputIds: number[][];
  attentionMask: number[][];
  tokenTypeIds?: number[][];
  /** Token labels per row (causal LM). */
  labels?: number[][];
  /** One label per row (class ids, regression scores). */
  rowLabels?: number[];
  length: number;
}

/** {@link padExamples} as `number[][]` rows. */
export function padRows(examples: readonly Example[], options: PadOptions = {}): PaddedRows {
  const p = padExamples(examples, options);
  const rows = (a: Int32Array) => Array.from({ length: p.batch }, (_, i) => Array.from(a.subarray(i * p.length, (i + 1) * p.length)));
  const out: PaddedRows = { inputIds: rows(p.inputIds), attentionMask: rows(p.attentionMask), length: p.length };
  if (p.tokenTypeIds) out.tokenTypeIds = rows(p.tokenTypeIds);
  if (p.labelKind === 'tokens') out.labels = rows(p.labels as Int32Array);
  else if (p.labels) out.rowLabels = Array.from(p.labels);
  return out;
}
