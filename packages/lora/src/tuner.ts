/**
 * The LoRA Tuner (method 'lora', PEFT type 'LORA') and its explicit registration. A LORA config with
 * `use_dora: true` belongs to @fish-tuning/dora's tuner (its `claims`), so plain LoRA refuses it.
 * @module
 */
import { FishTuningError, Rng, configToJson, loadAdapterState, registerTuner, type Tuner } from '@fish-tuning/core';
import { loraConfig, loraConfigFromJson, type LoraConfig, type LoraOptions } from './config.js';
import { injectLora, type LoraAdapter } from './inject.js';
import { countLora } from './count.js';
import { mergeLora, unmergeLora } from './merge.js';

export const loraTuner: Tuner<LoraConfig, LoraOptions, LoraAdapter> = {
  name: 'lora',
  peftType: 'LORA',
  config(options, model) {
    if (options.use_dora) throw new FishTuningError("the 'lora' method is plain LoRA; use the 'dora' method (@fish-tuning/dora) for use_dora", { option: 'use_dora' });
    return loraConfig(options, model);
  },
  fromJson: loraConfigFromJson,
  toJson: configToJson,
  inject: (model, config, rng) => injectLora(model, config, rng),
  // The tensors are overwritten, so the init's draws do not matter; PiSSA's residual (a function of W) does.
  load: (model, config, tensors, file) => loadAdapterState(injectLora(model, config, new Rng(0)), tensors, file),
  count: countLora,
  merge: mergeLora,
  unmerge: unmergeLora,
};

/** Adds {@link loraTuner} to core's registry (never done on import). */
export function registerLora(): void {
  registerTuner(loraTuner);
}
