/**
 * The story mode, DOM-free: stories260K (llama2.c `.bin` + `tok512.bin`) loaded from bytes, streaming greedy
 * generation, the user's sentences as causal-LM examples, LoRA with PiSSA init on q_proj/v_proj, the FISH
 * pipeline (pipeline.ts), what moved, and a logits probe for checking the download elsewhere.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, IGNORE_INDEX, type Example, type PeftAdapter } from '@fish-tuning/core';
import { Llama2cTokenizer, llama2cModel, parseLlama2c, type LlamaForCausalLM } from '@fish-tuning/models';
import type { LoraOptions } from '@fish-tuning/lora';
import type { MaskSelection } from '@fish-tuning/mask';
import { fishTuneRun, type FishTuneRunResult, type PipelineProgress } from './pipeline';
import { prepareOffGpu } from './init-off-gpu';

export interface LoadedStories {
  model: LlamaForCausalLM;
  tokenizer: Llama2cTokenizer;
}

/** A llama2.c model and its tokenizer from the bytes of their `.bin` files (fetched or picked). */
export function loadStoriesBytes(modelBytes: Uint8Array, tokenizerBytes: Uint8Array, names = { model: 'model.bin', tokenizer: 'tokenizer.bin' }): LoadedStories {
  const checkpoint = parseLlama2c(modelBytes, names.model);
  const tokenizer = Llama2cTokenizer.fromBytes(tokenizerBytes, names.tokenizer);
  if (tokenizer.vocabSize !== checkpoint.config.vocabSize) {
    throw new FishTuningError(`tokenizer has ${tokenizer.vocabSize} tokens but the model's vocab_size is ${checkpoint.config.vocabSize}`, {
      file: names.tokenizer,
      option: 'vocab_size',
    });
  }
  return { model: llama2cModel(checkpoint), tokenizer };
}

/**
 * Greedy continuation of BOS (+ prompt) with the KV cache, as the library's `generate` at temperature 0 (the
 * test checks they agree), but yielding to the page after every token so that the text streams in even on
 * backends whose reads resolve at once (wasm). `onText` gets the text so far and the token count.
 */
export async function streamGreedy(loaded: LoadedStories, maxNewTokens: number, prompt = '', onText?: (text: string, tokens: number) => void): Promise<string> {
  const { model, tokenizer } = loaded;
  const promptIds = [tokenizer.bosId, ...(prompt ? tokenizer.encode(prompt) : [])];
  const promptText = tokenizer.decode(promptIds, { skipSpecialTokens: true });
  const textOf = (ids: readonly number[]) => {
    const full = tokenizer.decode([...promptIds, ...ids], { skipSpecialTokens: true });
    return full.startsWith(promptText) ? full.slice(promptText.length) : full;
  };
  const cache = model.newCache();
  const ids: number[] = [];
  try {
    let input = promptIds;
    while (ids.length < maxNewTokens) {
      const logits = tf.tidy(() => model.nextTokenLogits(tf.tensor2d(input, [1, input.length], 'int32'), cache));
      const values = await logits.data();
      logits.dispose();
      let next = 0;
      for (let i = 1; i < values.length; i++) if (values[i] > values[next]) next = i;
      if (next === tokenizer.eosId) break;
      ids.push(next);
      onText?.(textOf(ids), ids.length);
      await new Promise((r) => setTimeout(r, 0));
      input = [next];
    }
  } finally {
    cache.dispose();
  }
  return textOf(ids);
}

/** BOS + the sentence's ids: one causal-LM row (and the ids the page probes the logits on). */
export function sentenceIds(tokenizer: Llama2cTokenizer, sentence: string): number[] {
  return [tokenizer.bosId, ...tokenizer.encode(sentence.trim())];
}

/**
 * Causal-LM examples (labels = the ids, shifted inside the model), right-padded to one length (pads masked out,
 * labels -100): every batch and Fisher chunk then has the same shape, so WebGPU compiles its shaders once
 * instead of once per sentence length (a minute each on a software adapter).
 */
export function sentenceExamples(tokenizer: Llama2cTokenizer, sentences: readonly string[]): Example[] {
  const rows = sentences.map((s) => s.trim()).filter((s) => s.length > 0);
  if (rows.length === 0) throw new FishTuningError('no training sentences (one per line)', { option: 'sentences' });
  const ids = rows.map((s) => sentenceIds(tokenizer, s));
  const t = Math.max(...ids.map((r) => r.length));
  return ids.map((r) => {
    const pad = t - r.length;
    return {
      inputIds: [...r, ...new Array(pad).fill(0)],
      attentionMask: [...r.map(() => 1), ...new Array(pad).fill(0)],
      labels: [...r, ...new Array(pad).fill(IGNORE_INDEX)],
    };
  });
}

export interface StoriesSettings {
  sentences: readonly string[];
  r: number;
  loraAlpha: number;
  ratio: number;
  steps: number;
  lr: number;
  selection: MaskSelection;
  seed?: number;
  /** adapter_config.json's base_model_name_or_path. */
  baseModel?: string;
}

export interface StoriesRun extends FishTuneRunResult {
  /** The LoRA tensors right after (PiSSA) init, PEFT name → values, to check what moved. */
  initial: Map<string, Float32Array>;
  examples: Example[];
}

/** The LoRA options the story mode uses: q_proj and v_proj of every layer, PiSSA init (see the page's note). */
export function storiesLoraOptions(s: Pick<StoriesSettings, 'r' | 'loraAlpha' | 'baseModel'>): LoraOptions {
  return { r: s.r, lora_alpha: s.loraAlpha, target_modules: ['q_proj', 'v_proj'], init_lora_weights: 'pissa', base_model_name_or_path: s.baseModel ?? null };
}

/** LoRA (PiSSA) on the model, then the library's Fisher → mask → masked training on the sentences. */
export async function runStories(loaded: LoadedStories, s: StoriesSettings, onProgress?: (p: PipelineProgress) => void | Promise<void>): Promise<StoriesRun> {
  const examples = sentenceExamples(loaded.tokenizer, s.sentences);
  await prepareOffGpu(loaded.model, /\.(q_proj|v_proj)$/);
  let initial = new Map<string, Float32Array>();
  const result = await fishTuneRun({
    model: loaded.model,
    config: storiesLoraOptions(s),
    train: examples,
    selection: s.selection,
    ratio: s.ratio,
    steps: s.steps,
    lr: s.lr,
    seed: s.seed,
    onInjected: async (adapter) => {
      initial = await valuesOf(adapter);
    },
    onProgress,
  });
  return { ...result, initial, examples };
}

async function valuesOf(adapter: PeftAdapter): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const p of adapter.trainableParameters()) out.set(p.name, Float32Array.from(await p.variable.data()));
  return out;
}

/** Entries of the adapter that differ (bitwise) from `run.initial`, and how many of them lie outside the mask. */
export async function changedEntries(run: Pick<StoriesRun, 'adapter' | 'initial' | 'mask'>): Promise<{ changed: number; outsideMask: number }> {
  let changed = 0;
  let outsideMask = 0;
  for (const p of run.adapter.trainableParameters()) {
    const before = new Uint32Array(run.initial.get(p.name)!.buffer);
    const after = new Uint32Array(Float32Array.from(await p.variable.data()).buffer);
    const m = run.mask?.tensors.get(p.name)?.data;
    for (let i = 0; i < after.length; i++) {
      if (after[i] !== before[i]) {
        changed++;
        if (m && m[i] === 0) outsideMask++;
      }
    }
  }
  return { changed, outsideMask };
}

/** Logits [t, vocab] of one example (row-major), to compare the page's model with a reloaded download. */
export async function probeLogits(model: LlamaForCausalLM, inputIds: readonly number[]): Promise<Float32Array> {
  const ids = tf.tensor2d([...inputIds], [1, inputIds.length], 'int32');
  const mask = tf.onesLike(ids);
  const logits = model.logits({ inputIds: ids, attentionMask: mask }, { training: false });
  const values = (await logits.data()) as Float32Array;
  tf.dispose([ids, mask, logits]);
  return values;
}
