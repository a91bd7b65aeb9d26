/**
 * @module @fish-tuning/unipelt — UniPELT (Mao et al., 2022): gated LoRA + bottleneck adapter + prefix,
 * built from @fish-tuning/lora, /adapter and /prefix. No side effects: call registerUnipelt().
 */
export { unipeltConfig, unipeltConfigFromJson, type UnipeltConfig, type UnipeltOptions } from './config.js';
export { Gate } from './gate.js';
export { GatedLoraLinear, GatedAdapterLayer, GatedPrefix } from './layer.js';
export { UnipeltAdapter, injectUnipelt } from './inject.js';
export { countUnipelt, unipeltParameterCount, type UnipeltCount } from './count.js';
export { mergeUnipelt, unmergeUnipelt } from './merge.js';
export { unipeltTuner, registerUnipelt } from './tuner.js';
