/**
 * @module @fish-tuning/adapter — Houlsby bottleneck adapters (Houlsby et al., 2019) after the attention
 * and feed-forward output projections, saved as peft_type FISH_ADAPTER. No side effects: call registerAdapter().
 */
export { adapterConfig, adapterConfigFromJson, bottleneckSize, NON_LINEARITIES, type AdapterConfig, type AdapterOptions, type AdapterNonLinearity } from './config.js';
export { AdapterLayer, activate, type AdapterLayerOptions } from './layer.js';
export { BottleneckAdapter, injectAdapter, createAdapterLayer, type AdapterLayerFactory } from './inject.js';
export { countAdapter, adapterParameterCount } from './count.js';
export { mergeAdapter, unmergeAdapter } from './merge.js';
export { adapterTuner, registerAdapter } from './tuner.js';
