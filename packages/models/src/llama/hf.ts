/**
 * Hugging Face layout: `config.json` + `model.safetensors` (or shards listed by
 * `model.safetensors.index.json`) + `tokenizer.json`. Tensors are read one at a time from the
 * safetensors files; every missing or misshaped tensor is reported with its file and name.
 * @module
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, toTensor, toWritable, type TextTokenizer } from '@fish-tuning/core';
import { SafetensorsFile, readJsonFile, writeJsonFileAtomic, writeSafetensorsFile } from '@fish-tuning/core/node';
import { fromHfConfigJson, toHfConfigJson, type LlamaConfig } from './config.js';
import { buildLlama, hfWeightShapes, llamaStateDict } from './weights.js';
import type { LlamaForCausalLM } from './model.js';
import { HfTokenizer } from '../tokenizers/hf-tokenizer.js';
import { Llama2cTokenizer } from '../tokenizers/llama2c-tokenizer.js';
import { llama2cToTokenizerJson } from '../tokenizers/llama2c-to-hf.js';
import { findLlama2cFiles, loadLlama2c, loadLlama2cTokenizer, type LoadedLlama } from './llama2c.js';

const exists = (p: string) => fsp.stat(p).then(() => true, () => false);

/** Tensor name → safetensors file, from a single file or a sharded index. */
async function weightFiles(dir: string): Promise<Map<string, string> | string> {
  const single = path.join(dir, 'model.safetensors');
  if (await exists(single)) return single;
  const indexFile = path.join(dir, 'model.safetensors.index.json');
  if (!(await exists(indexFile))) throw new FishTuningError('neither model.safetensors nor model.safetensors.index.json found', { file: dir });
  const index = await readJsonFile<{ weight_map?: Record<string, string> }>(indexFile);
  if (!index.weight_map || typeof index.weight_map !== 'object') throw new FishTuningError("missing 'weight_map'", { file: indexFile, option: 'weight_map' });
  return new Map(Object.entries(index.weight_map).map(([name, shard]) => [name, path.join(dir, shard)]));
}

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

/** Loads an HF-layout Llama directory. */
export async function loadHfLlama(dir: string, options: { tokenizer?: string | null } = {}): Promise<LoadedLlama> {
  const configFile = path.join(dir, 'config.json');
  const config: LlamaConfig = fromHfConfigJson(await readJsonFile(configFile), configFile);
  const files = await weightFiles(dir);
  const opened = new Map<string, SafetensorsFile>();
  const open = async (file: string) => {
    let f = opened.get(file);
    if (!f) opened.set(file, (f = await SafetensorsFile.open(file)));
    return f;
  };
  const tensors = new Map<string, tf.Tensor>();
  try {
    for (const [name, shape] of hfWeightShapes(config)) {
      const file = typeof files === 'string' ? files : files.get(name);
      if (!file) throw new FishTuningError('tensor is not listed in weight_map', { file: path.join(dir, 'model.safetensors.index.json'), tensor: name });
      const decoded = await (await open(file)).read(name, shape);
      tensors.set(name, toTensor(decoded, shape, { file, tensor: name }));
    }
  } catch (e) {
    for (const t of tensors.values()) t.dispose();
    throw e;
  } finally {
    for (const f of opened.values()) await f.close();
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
  return { model, tokenizer, config, files: { model: typeof files === 'string' ? files : dir, tokenizer: tokenizerFile } };
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
