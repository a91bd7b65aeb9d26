/**
 * Hugging Face layout: `config.json` + `model.safetensors` (or shards listed by
 * `model.safetensors.index.json`) + `tokenizer.json`, for model_type llama, qwen2 and phi3. Tensors are
 * read one at a time through the shared {@link CheckpointReader}: every missing, misshaped or non-finite
 * tensor is reported with its file and name, and so is every checkpoint tensor the model does not use.
 * @module
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, toTensor, toWritable, type TextTokenizer } from '@fish-tuning/core';
import { readJsonFile, writeJsonFileAtomic, writeSafetensorsFile } from '@fish-tuning/core/node';
import { CheckpointReader, takeAll, type IgnoreRule } from '../checkpoint/reader.js';
import { fromHfConfigJson, toHfConfigJson, type LlamaConfig } from './config.js';
import { buildLlama, hfWeightShapes, llamaStateDict, shapeSource } from './weights.js';
import type { LlamaForCausalLM } from './model.js';
import { HfTokenizer } from '../tokenizers/hf-tokenizer.js';
import { Llama2cTokenizer } from '../tokenizers/llama2c-tokenizer.js';
import { llama2cToTokenizerJson } from '../tokenizers/llama2c-to-hf.js';
import { findLlama2cFiles, loadLlama2c, loadLlama2cTokenizer, type LoadedLlama } from './llama2c.js';

const exists = (p: string) => fsp.stat(p).then(() => true, () => false);

/**
 * Checkpoint tensors a decoder legitimately leaves unused. Everything else that the model does not take is
 * an error naming the file and tensor.
 */
export const DECODER_IGNORED: readonly IgnoreRule[] = [
  { pattern: /(^|\.)rotary_emb\.inv_freq$/, reason: 'RoPE frequency buffer saved by older transformers; recomputed from the config' },
];

/** Loads a tokenizer file: tokenizer.json (HF) or a llama2.c `.bin`; checks it fits the model's vocabulary. */
export async function loadTokenizerFile(file: string, modelVocabSize?: number): Promise<TextTokenizer> {
  if (file.endsWith('.bin')) return loadLlama2cTokenizer(file, modelVocabSize);
  const json = await readJsonFile<Record<string, any>>(file);
  const configFile = path.join(path.dirname(file), 'tokenizer_config.json');
  const config = (await exists(configFile)) ? await readJsonFile<Record<string, any>>(configFile) : {};
  const tok = new HfTokenizer(json, config, file);
  // HF models may pad the embedding beyond the tokenizer's vocabulary, never the other way round.
  if (modelVocabSize !== undefined && tok.vocabSize > modelVocabSize) {
    throw new FishTuningError(`tokenizer has ${tok.vocabSize} tokens but the model's vocab_size is ${modelVocabSize}`, { file, option: 'vocab_size' });
  }
  return tok;
}

/** The tokenizer of an HF directory: tokenizer.json, else a llama2.c tok*.bin, else null. */
async function findTokenizer(dir: string): Promise<string | null> {
  const json = path.join(dir, 'tokenizer.json');
  if (await exists(json)) return json;
  const bins = (await fsp.readdir(dir)).filter((n) => /^tok.*\.bin$/i.test(n)).sort();
  return bins.length ? path.join(dir, bins[0]) : null;
}

/** Loads an HF-layout decoder directory (model_type llama, qwen2 or phi3). */
export async function loadHfLlama(dir: string, options: { tokenizer?: string | null } = {}): Promise<LoadedLlama> {
  const configFile = path.join(dir, 'config.json');
  const config: LlamaConfig = fromHfConfigJson(await readJsonFile(configFile), configFile);
  const reader = await CheckpointReader.open(dir);
  let tensors: Map<string, tf.Tensor>;
  try {
    if (config.tieWordEmbeddings && reader.has('lm_head.weight')) await checkTiedHead(reader, config);
    tensors = await takeAll(reader, hfWeightShapes(config), DECODER_IGNORED, `a ${config.modelType} with ${config.numHiddenLayers} layers (${configFile})`, {
      why: (name) => `from ${shapeSource(name)} in ${configFile}`,
      numLayers: config.numHiddenLayers,
    });
  } finally {
    await reader.close();
  }
  const tokenizerFile = options.tokenizer ?? (await findTokenizer(dir));
  let tokenizer: TextTokenizer | null = null;
  try {
    tokenizer = tokenizerFile ? await loadTokenizerFile(tokenizerFile, config.vocabSize) : null;
  } catch (e) {
    for (const t of tensors.values()) t.dispose();
    throw e;
  }
  const model = buildLlama(config, (name) => tensors.get(name)!);
  return { model, tokenizer, config, files: { model: reader.dir, tokenizer: tokenizerFile } };
}

/** A tied model whose checkpoint also stores lm_head.weight: accepted only when it equals the embedding. */
async function checkTiedHead(reader: CheckpointReader, c: LlamaConfig): Promise<void> {
  const shape = [c.vocabSize, c.hiddenSize];
  const head = await reader.take('lm_head.weight', shape);
  const embed = await reader.take('model.embed_tokens.weight', shape);
  const same = tf.tidy(() => tf.all(tf.equal(head, embed)).dataSync()[0] === 1);
  head.dispose();
  embed.dispose();
  if (!same) {
    throw new FishTuningError('tie_word_embeddings is true but lm_head.weight differs from model.embed_tokens.weight: config.json disagrees with the weights', {
      file: reader.fileOf('lm_head.weight'),
      tensor: 'lm_head.weight',
    });
  }
}

/**
 * Writes `model` in HF layout: config.json + model.safetensors (F32), and tokenizer.json +
 * tokenizer_config.json when a tokenizer is given (a llama2.c one is converted).
 */
export async function saveHfLlama(model: LlamaForCausalLM, dir: string, options: { tokenizer?: TextTokenizer | null } = {}): Promise<void> {
  await fsp.mkdir(dir, { recursive: true });
  const state = llamaStateDict(model);
  try {
    await writeSafetensorsFile(path.join(dir, 'model.safetensors'), await toWritable(state), { format: 'pt' });
  } finally {
    for (const t of state.values()) t.dispose();
  }
  await writeJsonFileAtomic(path.join(dir, 'config.json'), toHfConfigJson(model.config));
  const tok = options.tokenizer;
  if (tok instanceof Llama2cTokenizer) {
    const { tokenizer, config } = llama2cToTokenizerJson(tok);
    await writeJsonFileAtomic(path.join(dir, 'tokenizer.json'), tokenizer);
    await writeJsonFileAtomic(path.join(dir, 'tokenizer_config.json'), config);
  } else if (tok instanceof HfTokenizer) {
    throw new FishTuningError('saving an HF tokenizer is not supported; copy its tokenizer.json', { option: 'tokenizer' });
  }
}

/**
 * Loads a Llama from `source`: a directory with config.json (HF layout) or with a llama2.c checkpoint
 * (+ tok*.bin), or a llama2.c `.bin` file. `tokenizer` overrides the tokenizer file.
 */
export async function loadLlamaModel(source: string, options: { tokenizer?: string | null } = {}): Promise<LoadedLlama> {
  const stat = await fsp.stat(source).catch(() => null);
  if (!stat) throw new FishTuningError('no such file or directory', { file: source });
  if (stat.isDirectory() && (await exists(path.join(source, 'config.json')))) return loadHfLlama(source, options);
  const files = stat.isDirectory() ? await findLlama2cFiles(source) : { model: source, tokenizer: null };
  const loaded = await loadLlama2c({ model: files.model, tokenizer: null });
  const tokenizerFile = options.tokenizer ?? files.tokenizer;
  try {
    const tokenizer = tokenizerFile ? await loadTokenizerFile(tokenizerFile, loaded.config.vocabSize) : null;
    return { ...loaded, tokenizer, files: { model: files.model, tokenizer: tokenizerFile } };
  } catch (e) {
    loaded.model.dispose();
    throw e;
  }
}
