/**
 * BERT-style inputs: `[CLS] a [SEP]` or `[CLS] a [SEP] b [SEP]`, with token type 0 for the first
 * segment (including `[CLS]` and its `[SEP]`) and 1 for the second, `longest_first` truncation to
 * the task's maximum length, and optional padding to that length.
 * @module
 */
import type { TextTokenizer } from '@fish-tuning/core';
import { FishTuningError } from '@fish-tuning/core';
import type { GlueExample } from '../example.js';
import { glueTask, type GlueTaskSpec } from '../tasks.js';
import { truncateLongestFirst } from './truncate.js';

export interface EncoderFeatures {
  idx: number;
  inputIds: number[];
  tokenTypeIds: number[];
  attentionMask: number[];
  /** Class id or STS-B score (-1 on unlabeled splits): the `labels` of core's Example, as for every model input. */
  labels: number;
}

export interface EncodeForEncoderOptions {
  /** Maximum length including special tokens; default the task's `maxLength`. */
  maxLength?: number;
  /** `max_length` pads every example to `maxLength` with the tokenizer's `padId`; default `none` (pad per batch with padBatch). */
  padding?: 'none' | 'max_length';
}

function requireId(id: number | undefined, name: string): number {
  if (id === undefined) throw new FishTuningError(`the tokenizer has no ${name}, which BERT-style inputs need`, { option: `tokenizer.${name}` });
  return id;
}

/** Encodes one example for an encoder (BERT/RoBERTa-style) classifier. */
export function encodeForEncoder(
  task: string | GlueTaskSpec,
  example: GlueExample,
  tokenizer: TextTokenizer,
  options: EncodeForEncoderOptions = {},
): EncoderFeatures {
  const spec = typeof task === 'string' ? glueTask(task) : task;
  const cls = requireId(tokenizer.clsId, 'clsId');
  const sep = requireId(tokenizer.sepId, 'sepId');
  const maxLength = options.maxLength ?? spec.maxLength;
  const pair = example.sentence2 !== undefined;
  const specials = pair ? 3 : 2;
  if (!Number.isInteger(maxLength) || maxLength < specials + (pair ? 2 : 1)) {
    throw new FishTuningError(`maxLength ${maxLength} leaves no room for text after ${specials} special tokens`, { option: 'maxLength' });
  }
  const [a, b] = truncateLongestFirst(
    tokenizer.encode(example.sentence1),
    pair ? tokenizer.encode(example.sentence2 as string) : undefined,
    maxLength - specials,
  );
  const inputIds = [cls, ...a, sep];
  const tokenTypeIds = new Array<number>(inputIds.length).fill(0);
  if (b) {
    inputIds.push(...b, sep);
    for (let i = 0; i <= b.length; i++) tokenTypeIds.push(1);
  }
  const attentionMask = new Array<number>(inputIds.length).fill(1);
  if (options.padding === 'max_length') {
    const pad = requireId(tokenizer.padId, 'padId');
    while (inputIds.length < maxLength) {
      inputIds.push(pad);
      tokenTypeIds.push(0);
      attentionMask.push(0);
    }
  }
  return { idx: example.idx, inputIds, tokenTypeIds, attentionMask, labels: example.label };
}
