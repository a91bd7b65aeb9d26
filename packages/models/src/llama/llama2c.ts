/**
 * llama2.c checkpoints (`.bin`, version 0) and tokenizers from disk (Node). The byte parsing, which
 * browsers use too, is in llama2c-parse.ts and re-exported here.
 * @module
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { FishTuningError } from '@fish-tuning/core';
import type { LlamaConfig } from './config.js';
import type { LlamaForCausalLM } from './model.js';
import { llama2cModel, parseLlama2c } from './llama2c-parse.js';
import { Llama2cTokenizer } from '../tokenizers/llama2c-tokenizer.js';

export { parseLlama2c, permuteRope, llama2cModel, type Llama2cCheckpoint } from './llama2c-parse.js';

export interface LoadedLlama {
  model: LlamaForCausalLM;
  tokenizer: Llama2cTokenizer | import('@fish-tuning/core').TextTokenizer | null;
  config: LlamaConfig;
  /** Files read. */
  files: { model: string; tokenizer: string | null };
}

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await fsp.readFile(file));
  } catch (e) {
    throw new FishTuningError(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file });
  }
}

/** Reads a llama2.c tokenizer file and checks its vocabulary size against the model's. */
export async function loadLlama2cTokenizer(file: string, expectedVocabSize?: number): Promise<Llama2cTokenizer> {
  const tok = Llama2cTokenizer.fromBytes(await readBytes(file), file);
  if (expectedVocabSize !== undefined && tok.vocabSize !== expectedVocabSize) {
    throw new FishTuningError(`tokenizer has ${tok.vocabSize} tokens but the model's vocab_size is ${expectedVocabSize}`, { file, option: 'vocab_size' });
  }
  return tok;
}

/** Finds the checkpoint and tokenizer `.bin` files of a llama2.c directory (tokenizer: the one named tok*). */
export async function findLlama2cFiles(dir: string): Promise<{ model: string; tokenizer: string | null }> {
  let names: string[];
  try {
    names = (await fsp.readdir(dir)).filter((n) => n.endsWith('.bin')).sort();
  } catch (e) {
    throw new FishTuningError(`cannot list directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: dir });
  }
  const toks = names.filter((n) => /^tok/i.test(n));
  const models = names.filter((n) => !/^tok/i.test(n));
  if (models.length !== 1) {
    throw new FishTuningError(`expected exactly one llama2.c checkpoint (.bin not named tok*), found ${models.length}: ${JSON.stringify(models)}`, { file: dir });
  }
  if (toks.length > 1) throw new FishTuningError(`more than one tokenizer file: ${JSON.stringify(toks)}`, { file: dir });
  return { model: path.join(dir, models[0]), tokenizer: toks.length ? path.join(dir, toks[0]) : null };
}

/**
 * Loads a llama2.c model: `source` is a directory (one checkpoint `.bin` + a `tok*.bin` tokenizer) or
 * explicit paths. The tokenizer's vocabulary must match the model's.
 */
export async function loadLlama2c(source: string | { model: string; tokenizer?: string | null }): Promise<LoadedLlama & { tokenizer: Llama2cTokenizer | null }> {
  let files: { model: string; tokenizer: string | null };
  if (typeof source === 'string') {
    const stat = await fsp.stat(source).catch(() => null);
    if (!stat) throw new FishTuningError('no such file or directory', { file: source });
    files = stat.isDirectory() ? await findLlama2cFiles(source) : { model: source, tokenizer: null };
  } else files = { model: source.model, tokenizer: source.tokenizer ?? null };
  const checkpoint = parseLlama2c(await readBytes(files.model), files.model);
  const { config } = checkpoint;
  const tokenizer = files.tokenizer ? await loadLlama2cTokenizer(files.tokenizer, config.vocabSize) : null;
  const model = llama2cModel(checkpoint);
  return { model, tokenizer, config, files };
}
