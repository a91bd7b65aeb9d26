/**
 * Autoregressive decoding with a KV cache: greedy at temperature 0, otherwise temperature sampling
 * with optional nucleus (top-p) truncation from a seeded {@link Rng}.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, Rng, type TextTokenizer } from '@fish-tuning/core';
import type { LlamaForCausalLM } from './model.js';

export interface GenerateIdsOptions {
  maxNewTokens: number;
  /** 0 (default) = greedy. */
  temperature?: number;
  /** Nucleus sampling mass (1 = off). */
  topP?: number;
  /** Seed of the sampler (ignored when greedy). */
  seed?: number;
  /** Stop after emitting one of these ids (it is included in the result). */
  stopIds?: readonly number[];
  /** Stop when this returns true for the new ids so far (checked after each token). */
  shouldStop?: (newIds: readonly number[]) => boolean;
}

/** Index of the largest entry (first on ties, as argmax in run.c and PyTorch). */
function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
}

/** Samples from logits / temperature, restricted to the smallest set with mass ≥ topP. */
function sample(logits: Float32Array, temperature: number, topP: number, rng: Rng): number {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  const probs = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += probs[i] = Math.exp((logits[i] - max) / temperature);
  const order = Array.from(probs.keys());
  let candidates = order;
  let mass = sum;
  if (topP < 1) {
    order.sort((a, b) => probs[b] - probs[a]);
    let acc = 0;
    let n = 0;
    while (n < order.length && acc < topP * sum) acc += probs[order[n++]];
    candidates = order.slice(0, Math.max(n, 1));
    mass = acc;
  }
  let r = rng.next() * mass;
  for (const i of candidates) {
    r -= probs[i];
    if (r <= 0) return i;
  }
  return candidates[candidates.length - 1];
}

/**
 * New token ids after `promptIds` (batch 1). The prompt must be non-empty (start it with BOS) and fit
 * max_position_embeddings; generation ends at the model's context length like llama2.c's run.c does
 * (fewer than maxNewTokens ids then come back).
 */
export async function generateIds(model: LlamaForCausalLM, promptIds: readonly number[], options: GenerateIdsOptions): Promise<number[]> {
  const { maxNewTokens, temperature = 0, topP = 1, seed = 0, stopIds = [], shouldStop } = options;
  if (promptIds.length === 0) throw new FishTuningError('promptIds is empty (start from the BOS id)', { option: 'promptIds' });
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) throw new FishTuningError(`maxNewTokens must be a non-negative integer, got ${maxNewTokens}`, { option: 'maxNewTokens' });
  if (!(temperature >= 0)) throw new FishTuningError(`temperature must be ≥ 0, got ${temperature}`, { option: 'temperature' });
  if (!(topP > 0 && topP <= 1)) throw new FishTuningError(`topP must be in (0, 1], got ${topP}`, { option: 'topP' });
  const vocab = model.config.vocabSize;
  for (const id of promptIds) if (!Number.isInteger(id) || id < 0 || id >= vocab) throw new FishTuningError(`prompt id ${id} is outside [0, ${vocab})`, { option: 'promptIds' });
  const max = model.config.maxPositionEmbeddings;
  if (promptIds.length > max) {
    throw new FishTuningError(`the prompt has ${promptIds.length} tokens but max_position_embeddings is ${max}`, { option: 'promptIds' });
  }
  const rng = new Rng(seed);
  const cache = model.newCache();
  const out: number[] = [];
  try {
    let input = [...promptIds];
    for (let step = 0; step < maxNewTokens; step++) {
      if ((model.prefix?.length ?? 0) + cache.length + input.length > max) break;
      const logitsT = tf.tidy(() => model.nextTokenLogits(tf.tensor2d(input, [1, input.length], 'int32'), cache));
      const logits = (await logitsT.data()) as Float32Array;
      logitsT.dispose();
      const next = temperature === 0 ? argmax(logits) : sample(logits, temperature, topP, rng);
      out.push(next);
      if (stopIds.includes(next) || shouldStop?.(out)) break;
      input = [next];
    }
  } finally {
    cache.dispose();
  }
  return out;
}

export interface GenerateOptions extends Omit<GenerateIdsOptions, 'stopIds'> {
  /** Text to continue (encoded without special tokens, after BOS). Ignored when promptIds is given. */
  prompt?: string;
  /** Prompt ids used as is (include BOS yourself). */
  promptIds?: readonly number[];
  /** Stop ids (default: the tokenizer's EOS) and/or stop strings (the text is cut before them). */
  stop?: ReadonlyArray<number | string>;
}

export interface GenerateResult {
  promptIds: number[];
  /** New ids only. */
  ids: number[];
  /** Text of the new ids, as it continues the prompt's text. */
  text: string;
}

/** Text continuation of a prompt (BOS + encode(prompt) unless promptIds are given). */
export async function generate(model: LlamaForCausalLM, tokenizer: TextTokenizer, options: GenerateOptions): Promise<GenerateResult> {
  const bos = tokenizer.bosId ?? model.config.bosTokenId;
  const promptIds = options.promptIds ? [...options.promptIds] : [bos, ...(options.prompt ? tokenizer.encode(options.prompt) : [])];
  if (tokenizer.vocabSize > model.config.vocabSize) {
    throw new FishTuningError(`tokenizer has ${tokenizer.vocabSize} tokens but the model's vocab_size is ${model.config.vocabSize}`, { option: 'tokenizer' });
  }
  const stop = options.stop ?? (tokenizer.eosId !== undefined ? [tokenizer.eosId] : []);
  const stopIds = stop.filter((s): s is number => typeof s === 'number');
  const stopStrings = stop.filter((s): s is string => typeof s === 'string');
  const promptText = tokenizer.decode(promptIds, { skipSpecialTokens: true });
  const continuation = (ids: readonly number[]) => {
    // Decode prompt and continuation together so that word-initial spaces come out as they would in the full text.
    const full = tokenizer.decode([...promptIds, ...ids], { skipSpecialTokens: true });
    return full.startsWith(promptText) ? full.slice(promptText.length) : tokenizer.decode(ids, { skipSpecialTokens: true });
  };
  const ids = await generateIds(model, promptIds, {
    ...options,
    stopIds,
    shouldStop: (newIds) => options.shouldStop?.(newIds) === true || (stopStrings.length > 0 && stopStrings.some((s) => continuation(newIds).includes(s))),
  });
  let text = continuation(ids);
  for (const s of stopStrings) {
    const at = text.indexOf(s);
    if (at >= 0) text = text.slice(0, at);
  }
  return { promptIds, ids, text };
}
