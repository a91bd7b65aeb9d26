/**
 * DoRA's adapter_config.json: PEFT's LoraConfig with `use_dora: true` (PEFT keeps DoRA inside LoRA, and
 * so do we: the keys, defaults and checks are lora's; peft_type stays 'LORA').
 * @module
 */
import { FishTuningError, type PeftConfigBase } from '@fish-tuning/core';
import { loraConfig, readLoraJson, type LoraConfig, type LoraModelFacts, type LoraOptions } from '@fish-tuning/lora';

export interface DoraConfig extends LoraConfig {
  use_dora: true;
}

/** loraConfig with use_dora forced on (LoRA's defaults, the family's LoRA targets). */
export function doraConfig(options: LoraOptions = {}, model?: LoraModelFacts): DoraConfig {
  if (options.use_dora === false) throw new FishTuningError("the 'dora' method is LoRA with use_dora: true; use the 'lora' method for use_dora: false", { option: 'use_dora' });
  return loraConfig({ ...options, use_dora: true }, model) as DoraConfig;
}

/** A saved PEFT LoRA config with `use_dora: true` (errors name `file`); a plain-LoRA config is refused. */
export function doraConfigFromJson(json: PeftConfigBase, model: LoraModelFacts, file?: string): DoraConfig {
  const config = readLoraJson(json, model, file);
  if (!config.use_dora) throw new FishTuningError('expected use_dora: true (a plain LoRA adapter: load it with @fish-tuning/lora)', { file, option: 'use_dora' });
  return config as DoraConfig;
}
