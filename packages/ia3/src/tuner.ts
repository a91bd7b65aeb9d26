/**
 * The (IA)^3 Tuner (CLI name 'ia3', PEFT type 'IA3') and its explicit registration.
 * @module
 */
import { loadAdapterState, registerTuner, type DecodedTensor, type PeftConfigBase, type PeftTargetModel, type Rng, type Tuner } from '@fish-tuning/core';
import { ia3Config, ia3OptionsFromFile, type Ia3Config, type Ia3Options } from './config.js';
import { injectIa3, type Ia3Adapter } from './inject.js';

export interface Ia3Tuner extends Tuner<Ia3Config, Ia3Options> {
  inject(model: PeftTargetModel, config: Ia3Config, rng?: Rng): Ia3Adapter;
  /** Injects from a saved adapter_config.json and assigns the saved tensors. */
  load(model: PeftTargetModel, config: PeftConfigBase, tensors: Map<string, DecodedTensor>, file?: string): Ia3Adapter;
}

export const ia3Tuner: Ia3Tuner = {
  name: 'ia3',
  peftType: 'IA3',
  config: ia3Config,
  inject: (model, config) => injectIa3(model, config),
  load(model, json, tensors, file) {
    const adapter = injectIa3(model, ia3Config(ia3OptionsFromFile(json, file), model));
    return loadAdapterState(adapter, tensors, file);
  },
};

/** Registers {@link ia3Tuner} with core's registry (never done on import). */
export function registerIa3(): void {
  registerTuner(ia3Tuner);
}
