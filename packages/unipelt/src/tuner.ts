/**
 * The UniPELT Tuner (CLI name 'unipelt', peft_type 'FISH_UNIPELT') and its registration.
 * @module
 */
import { loadAdapterState, Rng, registerTuner, type DecodedTensor, type PeftConfigBase, type PeftTargetModel, type Tuner } from '@fish-tuning/core';
import { unipeltConfig, unipeltConfigFromFile, type UnipeltConfig, type UnipeltOptions } from './config.js';
import { UnipeltAdapter, injectUnipelt } from './inject.js';

export interface UnipeltTuner extends Tuner<UnipeltConfig, UnipeltOptions> {
  inject(model: PeftTargetModel, config: UnipeltConfig, rng: Rng): UnipeltAdapter;
  load(model: PeftTargetModel, config: PeftConfigBase, tensors: Map<string, DecodedTensor>, file?: string): UnipeltAdapter;
}

export const unipeltTuner: UnipeltTuner = {
  name: 'unipelt',
  peftType: 'FISH_UNIPELT',
  config: unipeltConfig,
  inject: injectUnipelt,
  load(model, json, tensors, file) {
    const adapter = new UnipeltAdapter(unipeltConfigFromFile(json, model, file), model, new Rng(0), true);
    return loadAdapterState(adapter, tensors, file);
  },
};

export function registerUnipelt(): void {
  registerTuner(unipeltTuner);
}
