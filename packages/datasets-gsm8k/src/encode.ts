/**
 * Supervised fine-tuning inputs: `[BOS] prompt answerPrefix answer [EOS]` with labels aligned to
 * the input ids, -100 on the prompt (and few-shot prefix) so that only the answer and EOS are
 * trained on (the Hugging Face convention). Prompt and answer are encoded separately, so the
 * labelled ids decode exactly to `answerPrefix + answer` followed by EOS.
 * @module
 */
import type { TextTokenizer } from '@fish-tuning/core';
import { FishTuningError, IGNORE_INDEX } from '@fish-tuning/core';
import type { Gsm8kExample } from './example.js';
import { fewShotPrefix } from './few-shot.js';
import { gsm8kTemplate, renderGsm8kPrompt, type Gsm8kTemplate } from './template.js';

/** Maximum sequence length used for GSM8K. */
export const GSM8K_MAX_LENGTH = 512;

export interface Gsm8kPromptOptions {
  /** Template or its name (`plain`, `cot`, `alpaca`, `chatml`); default `plain`. */
  template?: Gsm8kTemplate | string;
  /** Number of Wei et al. chain-of-thought exemplars before the question (0–8); default 0. */
  fewShot?: number;
  /** Prepend the tokenizer's BOS; default true when it has one. */
  addBos?: boolean;
}

export interface EncodeGsm8kOptions extends Gsm8kPromptOptions {
  /** Maximum total length; default 512. Longer examples are cut on the right and flagged `truncated`. */
  maxLength?: number;
  /** Append the tokenizer's EOS after the answer; default true when it has one. */
  addEos?: boolean;
  /** Remove the `<<48/2=24>>` calculator annotations from the answer; default false (kept, as in the files). */
  stripCalculatorAnnotations?: boolean;
}

export interface Gsm8kFeatures {
  idx: number;
  inputIds: number[];
  attentionMask: number[];
  /** -100 on the prompt, the token id on the answer and EOS. */
  labels: number[];
  /** Number of leading prompt positions (BOS included). */
  promptLength: number;
  /** True when the example was longer than maxLength and was cut. */
  truncated: boolean;
}

/** Removes GSM8K's `<<expr=result>>` calculator annotations. */
export function stripCalculatorAnnotations(answer: string): string {
  return answer.replace(/<<[^>]*>>/g, '');
}

/** The prompt text for a question: few-shot prefix + templated question. */
export function gsm8kPromptText(question: string, options: Gsm8kPromptOptions = {}): string {
  const template = gsm8kTemplate(options.template);
  return fewShotPrefix(template, options.fewShot ?? 0) + renderGsm8kPrompt(template, question);
}

/** Token ids of the prompt for a question (BOS first when asked), for generation. */
export function encodeGsm8kPrompt(question: string, tokenizer: TextTokenizer, options: Gsm8kPromptOptions = {}): number[] {
  const addBos = options.addBos ?? tokenizer.bosId !== undefined;
  if (addBos && tokenizer.bosId === undefined) throw new FishTuningError('the tokenizer has no bosId', { option: 'addBos' });
  const ids = tokenizer.encode(gsm8kPromptText(question, options));
  return addBos ? [tokenizer.bosId as number, ...ids] : ids;
}

/** Encodes one example as prompt + answer for supervised fine-tuning. */
export function encodeGsm8k(example: Gsm8kExample, tokenizer: TextTokenizer, options: EncodeGsm8kOptions = {}): Gsm8kFeatures {
  const template = gsm8kTemplate(options.template);
  const maxLength = options.maxLength ?? GSM8K_MAX_LENGTH;
  const addEos = options.addEos ?? tokenizer.eosId !== undefined;
  if (addEos && tokenizer.eosId === undefined) throw new FishTuningError('the tokenizer has no eosId', { option: 'addEos' });
  if (!Number.isInteger(maxLength) || maxLength < 2) {
    throw new FishTuningError(`maxLength must be an integer of at least 2, got ${maxLength}`, { option: 'maxLength' });
  }
  const prompt = encodeGsm8kPrompt(example.question, tokenizer, { ...options, template });
  const answerText = options.stripCalculatorAnnotations ? stripCalculatorAnnotations(example.answer) : example.answer;
  const answer = tokenizer.encode(template.answerPrefix + answerText);
  if (addEos) answer.push(tokenizer.eosId as number);
  let inputIds = [...prompt, ...answer];
  let labels = [...new Array<number>(prompt.length).fill(IGNORE_INDEX), ...answer];
  const truncated = inputIds.length > maxLength;
  if (truncated) {
    inputIds = inputIds.slice(0, maxLength);
    labels = labels.slice(0, maxLength);
  }
  return {
    idx: example.idx,
    inputIds,
    attentionMask: new Array<number>(inputIds.length).fill(1),
    labels,
    promptLength: Math.min(prompt.length, maxLength),
    truncated,
  };
}
