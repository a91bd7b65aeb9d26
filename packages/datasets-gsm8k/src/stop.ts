/**
 * Stop rules for generation: the end-of-sequence id and stop strings. The model's decoder can call
 * {@link createStopChecker} after each token to stop early; {@link applyStopRules} cuts a finished
 * generation at the first stop, whatever the decoder did.
 * @module
 */
import type { TextTokenizer } from '@fish-tuning/core';

export interface StopRules {
  /** Generation ends at the first occurrence of any of these strings (excluded from the output). */
  strings: readonly string[];
  /** Generation ends at this id (excluded from the output); usually the tokenizer's EOS. */
  eosId?: number;
}

export interface StoppedText {
  /** Decoded generation, cut before the first stop. */
  text: string;
  /** What ended it: `eos`, the stop string, or `length` when neither occurred. */
  stoppedBy: 'eos' | 'length' | string;
}

/** Index of the earliest stop string in `text`, and which one; -1 when none occurs. */
export function findStop(text: string, strings: readonly string[]): { index: number; stop?: string } {
  let best = { index: -1 } as { index: number; stop?: string };
  for (const s of strings) {
    if (s === '') continue;
    const i = text.indexOf(s);
    if (i >= 0 && (best.index < 0 || i < best.index)) best = { index: i, stop: s };
  }
  return best;
}

/** Decodes generated ids (special tokens skipped) and cuts them at EOS or the first stop string. */
export function applyStopRules(generated: readonly number[], tokenizer: TextTokenizer, stop: StopRules): StoppedText {
  const eosAt = stop.eosId === undefined ? -1 : generated.indexOf(stop.eosId);
  const ids = eosAt >= 0 ? generated.slice(0, eosAt) : generated;
  const text = tokenizer.decode(ids, { skipSpecialTokens: true });
  const found = findStop(text, stop.strings);
  if (found.index >= 0) return { text: text.slice(0, found.index), stoppedBy: found.stop as string };
  return { text, stoppedBy: eosAt >= 0 ? 'eos' : 'length' };
}

/** A predicate for incremental decoding: true once the generated ids end in EOS or contain a stop string. */
export function createStopChecker(tokenizer: TextTokenizer, stop: StopRules): (generated: readonly number[]) => boolean {
  const longest = stop.strings.reduce((m, s) => Math.max(m, s.length), 0);
  return (generated) => {
    if (generated.length === 0) return false;
    if (stop.eosId !== undefined && generated[generated.length - 1] === stop.eosId) return true;
    if (longest === 0) return false;
    // A stop string of n characters spans about n tokens at most; decode a generous window of the
    // tail (tokens that decode to nothing, like skipped specials or partial bytes, widen the span).
    const tail = generated.slice(Math.max(0, generated.length - 2 * longest - 8));
    return findStop(tokenizer.decode(tail, { skipSpecialTokens: true }), stop.strings).index >= 0;
  };
}
