/**
 * Loading the model a command works on: a llama2.c file or directory, or a Hugging Face directory
 * (config.json's model_type decides: 'bert' → a BERT classifier, otherwise a Llama-family decoder).
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FishTuningError, type PeftTargetModel, type TextTokenizer } from '@fish-tuning/core';
import { readJsonFile } from '@fish-tuning/core/node';
import { loadHfBert, loadLlamaModel } from '@fish-tuning/models';

export interface LoadedTarget {
  model: PeftTargetModel;
  tokenizer: TextTokenizer | null;
}

export async function loadTargetModel(source: string, options: { seed: number; numLabels?: number; tokenizer?: boolean }): Promise<LoadedTarget> {
  const wantTokenizer = options.tokenizer ?? false;
  const configFile = path.join(source, 'config.json');
  if (fs.existsSync(configFile) && (await readJsonFile<{ model_type?: string }>(configFile)).model_type === 'bert') {
    const { model, tokenizer } = await loadHfBert(source, { tokenizer: wantTokenizer, seed: options.seed, ...(options.numLabels ? { numLabels: options.numLabels } : {}) });
    return { model, tokenizer: (tokenizer as unknown as TextTokenizer | null) ?? null };
  }
  // A flag that does not apply to the model is an error, not silently ignored.
  if (options.numLabels !== undefined) throw new FishTuningError(`applies only to a BERT classifier; '${source}' is a decoder (causal LM), which has no classification head`, { option: '--num-labels' });
  const { model, tokenizer } = await loadLlamaModel(source, wantTokenizer ? {} : { tokenizer: null });
  return { model, tokenizer: (tokenizer as TextTokenizer | null) ?? null };
}

/** Like loadTargetModel, but a missing tokenizer is an error naming --model. */
export async function loadModelWithTokenizer(source: string, options: { seed: number; numLabels?: number }): Promise<{ model: PeftTargetModel; tokenizer: TextTokenizer }> {
  const { model, tokenizer } = await loadTargetModel(source, { ...options, tokenizer: true });
  if (!tokenizer) {
    model.dispose();
    throw new FishTuningError('no tokenizer next to the model (tokenizer.json, vocab.txt or a llama2.c tokenizer .bin); this needs one', { file: source, option: '--model' });
  }
  return { model, tokenizer };
}
