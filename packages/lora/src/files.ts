/**
 * Loading a saved PEFT LoRA directory's contents (already read from disk) onto a model: the saved
 * adapter_config.json is turned back into a LoraConfig (PEFT's extra keys ignored, unsupported values
 * rejected naming the file), a fresh adapter is injected, and the saved tensors are assigned.
 *
 * PiSSA adapters are saved as they are (A, B and `init_lora_weights: "pissa"`), as PEFT does without a
 * conversion path. Loading one onto the ORIGINAL base model re-runs the PiSSA init, which replaces each
 * target's weight by its residual W − s·B₀A₀ (a function of W alone), and then assigns the trained A, B —
 * the same thing Python PEFT does when it loads such a config.
 * @module
 */
import { FishTuningError, Rng, type DecodedTensor, type PeftConfigBase, type PeftTargetModel } from '@fish-tuning/core';
import { loraConfig, type LoraConfig, type LoraOptions } from './config.js';
import { injectLora, type LoraLayerFactory } from './inject.js';
import type { LoraAdapter } from './adapter.js';

const CONFIG_KEYS: Array<keyof LoraOptions> = [
  'r', 'lora_alpha', 'lora_dropout', 'target_modules', 'exclude_modules', 'layers_to_transform', 'layers_pattern', 'bias',
  'fan_in_fan_out', 'init_lora_weights', 'use_rslora', 'use_dora', 'modules_to_save', 'rank_pattern', 'alpha_pattern',
  'lora_bias', 'task_type', 'base_model_name_or_path', 'inference_mode', 'revision',
];

/** A LoraConfig from a saved adapter_config.json (errors name `file`). */
export function loraConfigFromJson(json: PeftConfigBase, model: PeftTargetModel, file?: string): LoraConfig {
  if (json.peft_type !== 'LORA') throw new FishTuningError(`peft_type is '${json.peft_type}', expected 'LORA'`, { file, option: 'peft_type' });
  const options: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) if (json[key] !== undefined && json[key] !== null) options[key] = json[key];
  try {
    return loraConfig(options as LoraOptions, model);
  } catch (e) {
    if (e instanceof FishTuningError) throw new FishTuningError(e.message, { file, option: e.option });
    throw e;
  }
}

/** Injects an adapter described by saved files and loads its tensors. */
export function applyLoraFiles(
  model: PeftTargetModel,
  files: { config: PeftConfigBase; tensors: Map<string, DecodedTensor>; configFile?: string; weightsFile?: string },
  factory?: LoraLayerFactory,
): LoraAdapter {
  const config = loraConfigFromJson(files.config, model, files.configFile);
  if (config.use_dora && !factory) {
    throw new FishTuningError("this is a DoRA adapter (use_dora: true): load it with @fish-tuning/dora's loadDoraAdapter", { file: files.configFile, option: 'use_dora' });
  }
  // The tensors are overwritten, so the init's random draws do not matter; PiSSA's residual does.
  const adapter = injectLora(model, config, new Rng(0), factory);
  try {
    adapter.loadStateDict(files.tensors, files.weightsFile);
  } catch (e) {
    adapter.dispose();
    throw e;
  }
  return adapter;
}
