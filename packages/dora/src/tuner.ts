/**
 * The DoRA Tuner (method 'dora', PEFT type 'LORA'): it `claims` the LORA configs with use_dora: true,
 * so core's loadAdapter picks it for them and lora's tuner for the rest.
 * @module
 */
import { Rng, configToJson, loadAdapterState, registerTuner, type Tuner } from '@fish-tuning/core';
import type { LoraOptions } from '@fish-tuning/lora';
import { doraConfig, doraConfigFromJson, type DoraConfig } from './config.js';
import { injectDora, type DoraAdapter } from './inject.js';
import { countDora } from './count.js';
import { mergeDora, unmergeDora } from './merge.js';

export const doraTuner: Tuner<DoraConfig, LoraOptions, DoraAdapter> = {
  name: 'dora',
  peftType: 'LORA',
  claims: (json) => json.use_dora === true,
  config: doraConfig,
  fromJson: doraConfigFromJson,
  toJson: configToJson,
  inject: injectDora,
  load: (model, config, tensors, file) => loadAdapterState(injectDora(model, config, new Rng(0)), tensors, file),
  count: countDora,
  merge: mergeDora,
  unmerge: unmergeDora,
};

/** Adds {@link doraTuner} to core's registry (never done on import). */
export function registerDora(): void {
  registerTuner(doraTuner);
}
