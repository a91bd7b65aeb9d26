/**
 * Loading the model a command works on: a llama2.c file or directory, or a Hugging Face directory whose
 * config.json `model_type` picks the architecture (bert, modernbert, llama, qwen2, phi3 — models'
 * loadPretrained; any other type is refused with the supported list).
 * @module
 */
import { FishTuningError, type PeftTargetModel, type TextTokenizer } from '@fish-tuning/core';
import { loadPretrained } from '@fish-tuning/models';

export interface LoadedTarget {
  model: PeftTargetModel;
  tokenizer: TextTokenizer | null;
  /** Encoder head tensors initialised from the seed because the checkpoint had none of this size. */
  initialised?: string[];
}

export async function loadTargetModel(source: string, options: { seed: number; numLabels?: number; tokenizer?: boolean; numLabelsOption?: string }): Promise<LoadedTarget> {
  const { model, tokenizer, initialised } = await loadPretrained(source, { tokenizer: options.tokenizer ?? false, seed: options.seed, ...(options.numLabels ? { numLabels: options.numLabels } : {}) });
  // A flag that does not apply to the model is an error, not silently ignored.
  if (options.numLabels !== undefined && model.task === 'causal-lm') {
    model.dispose();
    throw new FishTuningError(`applies only to encoder classifiers; '${source}' is a decoder (causal LM), which has no classification head`, { option: options.numLabelsOption ?? '--num-labels' });
  }
  return { model, tokenizer, initialised };
}

/** Like loadTargetModel, but a missing tokenizer is an error naming --model. */
export async function loadModelWithTokenizer(source: string, options: { seed: number; numLabels?: number; numLabelsOption?: string }): Promise<{ model: PeftTargetModel; tokenizer: TextTokenizer; initialised?: string[] }> {
  const { model, tokenizer, initialised } = await loadTargetModel(source, { ...options, tokenizer: true });
  if (!tokenizer) {
    model.dispose();
    throw new FishTuningError('no tokenizer next to the model (tokenizer.json, vocab.txt or a llama2.c tokenizer .bin); this needs one', { file: source, option: '--model' });
  }
  return { model, tokenizer, initialised };
}
