/**
 * Generation-based GSM8K evaluation: prompt each question, let the caller's model generate,
 * cut the output at the stop rules, extract the final number and compare it with the reference
 * (exact match, numerically). The model is not part of this package: pass a `generate` callback.
 * @module
 */
import type { TextTokenizer } from '@fish-tuning/core';
import { FishTuningError } from '@fish-tuning/core';
import { answersMatch, extractAnswer } from './answer.js';
import type { Gsm8kExample } from './example.js';
import { encodeGsm8kPrompt, type Gsm8kPromptOptions } from './encode.js';
import { applyStopRules, type StopRules } from './stop.js';
import { gsm8kTemplate } from './template.js';

/**
 * Generates a continuation of `promptIds` and returns only the new ids (not the prompt). It should
 * stop at `stop.eosId` or a stop string (see createStopChecker) or after `maxNewTokens`; the output
 * is cut at the stop rules again here in any case.
 */
export type GenerateFn = (promptIds: number[], options: { maxNewTokens: number; stop: StopRules }) => Promise<number[]>;

export interface EvaluateGsm8kOptions extends Gsm8kPromptOptions {
  examples: readonly Gsm8kExample[];
  tokenizer: TextTokenizer;
  generate: GenerateFn;
  /** Default 256. */
  maxNewTokens?: number;
  /** Stop strings; default the template's. EOS (when the tokenizer has one) always stops. */
  stopStrings?: readonly string[];
  /** Evaluate only the first `limit` examples. */
  limit?: number;
  /** Called after each example, e.g. for progress output. */
  onResult?: (result: Gsm8kResult, index: number, total: number) => void;
}

export interface Gsm8kResult {
  idx: number;
  /** Generated text after the stop rules. */
  completion: string;
  stoppedBy: string;
  /** Extracted final number, undefined when the completion has none. */
  predicted?: number;
  reference: number;
  correct: boolean;
}

export interface Gsm8kEvaluation {
  /** correct / total. */
  accuracy: number;
  correct: number;
  total: number;
  results: Gsm8kResult[];
}

/** The reference answer of an example: the number after `####`. */
export function referenceAnswer(example: Gsm8kExample): number {
  const hashes = example.answer.lastIndexOf('####');
  const found = hashes >= 0 ? extractAnswer(example.answer.slice(hashes)) : undefined;
  if (!found) throw new FishTuningError(`example ${example.idx} has no '#### N' final answer`, { option: 'examples' });
  return found.value;
}

/** Runs the evaluation sequentially, in example order. */
export async function evaluateGsm8k(options: EvaluateGsm8kOptions): Promise<Gsm8kEvaluation> {
  const { tokenizer, generate } = options;
  const template = gsm8kTemplate(options.template);
  const maxNewTokens = options.maxNewTokens ?? 256;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) {
    throw new FishTuningError(`maxNewTokens must be a positive integer, got ${maxNewTokens}`, { option: 'maxNewTokens' });
  }
  const stop: StopRules = { strings: options.stopStrings ?? template.stop, eosId: tokenizer.eosId };
  const examples = options.limit !== undefined ? options.examples.slice(0, options.limit) : options.examples;
  const results: Gsm8kResult[] = [];
  for (const [i, example] of examples.entries()) {
    const reference = referenceAnswer(example);
    const promptIds = encodeGsm8kPrompt(example.question, tokenizer, { ...options, template });
    const generated = await generate(promptIds, { maxNewTokens, stop });
    const { text, stoppedBy } = applyStopRules(generated, tokenizer, stop);
    const predicted = extractAnswer(text)?.value;
    const result: Gsm8kResult = { idx: example.idx, completion: text, stoppedBy, predicted, reference, correct: answersMatch(predicted, reference) };
    results.push(result);
    options.onResult?.(result, i, examples.length);
  }
  const correct = results.filter((r) => r.correct).length;
  return { accuracy: results.length ? correct / results.length : 0, correct, total: results.length, results };
}
