/**
 * @module @fish-tuning/adapter — Houlsby bottleneck adapters (Houlsby et al., 2019) after the attention
 * and feed-forward output projections, saved as peft_type FISH_ADAPTER. No side effects: call registerAdapter().
 */
export { adapterConfig, adapterOptionsFromFile, bottleneckSize, ADAPTER_DEFAULT_TARGETS, NON_LINEARITIES, type AdapterConfig, type AdapterOptions, type AdapterNonLinearity } from './config.js';
export { AdapterLayer, activate, type AdapterGate } from './layer.js';
export { BottleneckAdapter, injectAdapter } from './inject.js';
export { adapterParameterCount } from './count.js';
export { adapterTuner, registerAdapter, type AdapterTuner } from './tuner.js';
