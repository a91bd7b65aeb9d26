/**
 * One entry point for every Hugging Face directory this package implements: config.json's `model_type`
 * picks the architecture (an unknown one is refused with the supported list); a directory without
 * config.json (or a `.bin` file) is a llama2.c checkpoint.
 * @module
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { FishTuningError, type PeftTargetModel, type TextTokenizer } from '@fish-tuning/core';
import { readJsonFile } from '@fish-tuning/core/node';
import { loadHfBert } from './bert/load.js';
import type { BertHeadOptions } from './bert/create.js';
import { loadHfModernBert } from './modernbert/load.js';
import { loadLlamaModel } from './llama/hf.js';
import { DECODER_MODEL_TYPES } from './llama/config.js';

/** Every config.json `model_type` that loads. */
export const SUPPORTED_MODEL_TYPES: readonly string[] = ['bert', 'modernbert', ...DECODER_MODEL_TYPES];

export interface LoadPretrainedOptions extends BertHeadOptions {
  /** Seed of a freshly initialised encoder head; default 0. */
  seed?: number;
  /** Load the tokenizer (default true). */
  tokenizer?: boolean;
}

export interface LoadedPretrained {
  model: PeftTargetModel;
  tokenizer: TextTokenizer | null;
  /** config.json's model_type ('llama' for a llama2.c checkpoint). */
  modelType: string;
  /** Encoder head tensors initialised from the seed (empty for decoders). */
  initialised: string[];
}

/** The model_type of a model directory (null for a llama2.c checkpoint), checked against the supported list. */
export async function modelTypeOf(source: string): Promise<string | null> {
  const configFile = path.join(source, 'config.json');
  const isDir = (await fsp.stat(source).catch(() => null))?.isDirectory() ?? false;
  if (!isDir || !(await fsp.stat(configFile).catch(() => null))) return null;
  const json = await readJsonFile<Record<string, unknown>>(configFile);
  const type = json && typeof json === 'object' && Object.prototype.hasOwnProperty.call(json, 'model_type') ? json.model_type : undefined;
  if (typeof type !== 'string' || !SUPPORTED_MODEL_TYPES.includes(type)) {
    throw new FishTuningError(`model_type ${JSON.stringify(type)} is not supported (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`, { file: configFile, option: 'model_type' });
  }
  return type;
}

export async function loadPretrained(source: string, options: LoadPretrainedOptions = {}): Promise<LoadedPretrained> {
  if (!(await fsp.stat(source).catch(() => null))) throw new FishTuningError('no such file or directory', { file: source });
  const type = await modelTypeOf(source);
  const wantTokenizer = options.tokenizer ?? true;
  if (type === 'bert') {
    const { model, tokenizer, initialised } = await loadHfBert(source, { ...options, tokenizer: wantTokenizer });
    return { model, tokenizer: tokenizer as TextTokenizer | null, modelType: type, initialised };
  }
  if (type === 'modernbert') {
    const { model, tokenizer, initialised } = await loadHfModernBert(source, { ...options, tokenizer: wantTokenizer });
    return { model, tokenizer: tokenizer as TextTokenizer | null, modelType: type, initialised };
  }
  const { model, tokenizer } = await loadLlamaModel(source, wantTokenizer ? {} : { tokenizer: null });
  return { model, tokenizer, modelType: type ?? 'llama', initialised: [] };
}
