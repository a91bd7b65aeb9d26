/**
 * The prefix-tuning Tuner (CLI name 'prefix', PEFT type 'PREFIX_TUNING') and its explicit registration.
 * @module
 */
import { loadAdapterState, Rng, registerTuner, type DecodedTensor, type PeftConfigBase, type PeftTargetModel, type Tuner } from '@fish-tuning/core';
import { checkPrefixFileConfig, prefixConfig, type PrefixConfig, type PrefixOptions } from './config.js';
import { PrefixAdapter, injectPrefix } from './inject.js';

export interface PrefixTuner extends Tuner<PrefixConfig, PrefixOptions> {
  inject(model: PeftTargetModel, config: PrefixConfig, rng: Rng): PrefixAdapter;
  /** Attaches a saved prefix (always the direct table form, as PEFT in inference mode). */
  load(model: PeftTargetModel, config: PeftConfigBase, tensors: Map<string, DecodedTensor>, file?: string): PrefixAdapter;
}

export const prefixTuner: PrefixTuner = {
  name: 'prefix',
  peftType: 'PREFIX_TUNING',
  config: prefixConfig,
  inject: injectPrefix,
  load(model, json, tensors, file) {
    const config = checkPrefixFileConfig(json, model, file);
    // The initial values are overwritten right away; a fixed seed keeps loading deterministic.
    const adapter = new PrefixAdapter(config, model, new Rng(0), true);
    return loadAdapterState(adapter, tensors, file);
  },
};

/** Registers {@link prefixTuner} with core's registry (never done on import). */
export function registerPrefix(): void {
  registerTuner(prefixTuner);
}
