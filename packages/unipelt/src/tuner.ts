/**
 * The UniPELT Tuner (method 'unipelt', peft_type 'FISH_UNIPELT') and its registration. No `merge` (see merge.ts).
 * @module
 */
import { Rng, configToJson, loadAdapterState, registerTuner, type Tuner } from '@fish-tuning/core';
import { unipeltConfig, unipeltConfigFromJson, type UnipeltConfig, type UnipeltOptions } from './config.js';
import { UnipeltAdapter, injectUnipelt } from './inject.js';
import { countUnipelt } from './count.js';

export const unipeltTuner: Tuner<UnipeltConfig, UnipeltOptions, UnipeltAdapter> = {
  name: 'unipelt',
  peftType: 'FISH_UNIPELT',
  config: unipeltConfig,
  fromJson: unipeltConfigFromJson,
  toJson: configToJson,
  inject: injectUnipelt,
  // The prefix loads as its saved table (direct form), as prefix-tuning does.
  load: (model, config, tensors, file) => loadAdapterState(new UnipeltAdapter(config, model, new Rng(0), true), tensors, file),
  count: countUnipelt,
};

/** Registers {@link unipeltTuner} with core's registry (never done on import). */
export function registerUnipelt(): void {
  registerTuner(unipeltTuner);
}
