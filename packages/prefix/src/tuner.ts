/**
 * The prefix-tuning Tuner (method 'prefix', PEFT type 'PREFIX_TUNING') and its explicit registration.
 * No `merge` (see merge.ts).
 * @module
 */
import { Rng, configToJson, loadAdapterState, registerTuner, type Tuner } from '@fish-tuning/core';
import { prefixConfig, prefixConfigFromJson, type PrefixConfig, type PrefixOptions } from './config.js';
import { PrefixAdapter, injectPrefix } from './inject.js';
import { countPrefix } from './count.js';

export const prefixTuner: Tuner<PrefixConfig, PrefixOptions, PrefixAdapter> = {
  name: 'prefix',
  peftType: 'PREFIX_TUNING',
  config: prefixConfig,
  fromJson: prefixConfigFromJson,
  toJson: configToJson,
  inject: injectPrefix,
  // A saved prefix is its table (PEFT saves the projection's output), loaded in the direct form as PEFT
  // does in inference mode; the initial values are overwritten, a fixed seed keeps loading deterministic.
  load: (model, config, tensors, file) => loadAdapterState(new PrefixAdapter(config, model, new Rng(0), true), tensors, file),
  count: countPrefix,
};

/** Registers {@link prefixTuner} with core's registry (never done on import). */
export function registerPrefix(): void {
  registerTuner(prefixTuner);
}
