/**
 * The bottleneck-adapter Tuner (method 'adapter', peft_type 'FISH_ADAPTER') and its registration.
 * No `merge`: the update is non-linear (see merge.ts).
 * @module
 */
import { Rng, configToJson, loadAdapterState, registerTuner, type Tuner } from '@fish-tuning/core';
import { adapterConfig, adapterConfigFromJson, type AdapterConfig, type AdapterOptions } from './config.js';
import { injectAdapter, type BottleneckAdapter } from './inject.js';
import { countAdapter } from './count.js';

export const adapterTuner: Tuner<AdapterConfig, AdapterOptions, BottleneckAdapter> = {
  name: 'adapter',
  peftType: 'FISH_ADAPTER',
  config: adapterConfig,
  fromJson: adapterConfigFromJson,
  toJson: configToJson,
  inject: (model, config, rng) => injectAdapter(model, config, rng),
  load: (model, config, tensors, file) => loadAdapterState(injectAdapter(model, config, new Rng(0)), tensors, file),
  count: countAdapter,
};

/** Registers {@link adapterTuner} with core's registry (never done on import). */
export function registerAdapter(): void {
  registerTuner(adapterTuner);
}
