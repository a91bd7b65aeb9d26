/**
 * The bottleneck-adapter Tuner (CLI name 'adapter', peft_type 'FISH_ADAPTER') and its registration.
 * @module
 */
import { loadAdapterState, Rng, registerTuner, type DecodedTensor, type PeftConfigBase, type PeftTargetModel, type Tuner } from '@fish-tuning/core';
import { adapterConfig, adapterOptionsFromFile, type AdapterConfig, type AdapterOptions } from './config.js';
import { injectAdapter, type BottleneckAdapter } from './inject.js';

export interface AdapterTuner extends Tuner<AdapterConfig, AdapterOptions> {
  inject(model: PeftTargetModel, config: AdapterConfig, rng: Rng): BottleneckAdapter;
  load(model: PeftTargetModel, config: PeftConfigBase, tensors: Map<string, DecodedTensor>, file?: string): BottleneckAdapter;
}

export const adapterTuner: AdapterTuner = {
  name: 'adapter',
  peftType: 'FISH_ADAPTER',
  config: adapterConfig,
  inject: injectAdapter,
  load(model, json, tensors, file) {
    const adapter = injectAdapter(model, adapterConfig(adapterOptionsFromFile(json, file), model), new Rng(0));
    return loadAdapterState(adapter, tensors, file);
  },
};

/** Registers {@link adapterTuner} with core's registry (never done on import). */
export function registerAdapter(): void {
  registerTuner(adapterTuner);
}
