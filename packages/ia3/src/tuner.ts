/**
 * The (IA)^3 Tuner (method 'ia3', PEFT type 'IA3') and its explicit registration.
 * @module
 */
import { configToJson, loadAdapterState, registerTuner, type Tuner } from '@fish-tuning/core';
import { ia3Config, ia3ConfigFromJson, type Ia3Config, type Ia3Options } from './config.js';
import { injectIa3, type Ia3Adapter } from './inject.js';
import { countIa3 } from './count.js';
import { mergeIa3, unmergeIa3 } from './merge.js';

export const ia3Tuner: Tuner<Ia3Config, Ia3Options, Ia3Adapter> = {
  name: 'ia3',
  peftType: 'IA3',
  config: ia3Config,
  fromJson: ia3ConfigFromJson,
  toJson: configToJson,
  inject: (model, config) => injectIa3(model, config),
  load: (model, config, tensors, file) => loadAdapterState(injectIa3(model, config), tensors, file),
  count: countIa3,
  merge: mergeIa3,
  unmerge: unmergeIa3,
};

/** Registers {@link ia3Tuner} with core's registry (never done on import). */
export function registerIa3(): void {
  registerTuner(ia3Tuner);
}
