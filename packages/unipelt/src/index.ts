/**
 * @module @fish-tuning/unipelt — UniPELT (Mao et al., 2022): gated LoRA + bottleneck adapter + prefix,
 * built from @fish-tuning/lora, /adapter and /prefix. No side effects: call registerUnipelt().
 */
export { unipeltConfig, unipeltConfigFromFile, UNIPELT_ADAPTER_TARGETS, type UnipeltConfig, type UnipeltOptions } from './config.js';
export { Gate } from './gate.js';
export { GatedLoraLinear, GatedPrefix } from './layer.js';
export { UnipeltAdapter, injectUnipelt } from './inject.js';
export { unipeltParameterCount, type UnipeltCount } from './count.js';
export { unipeltTuner, registerUnipelt, type UnipeltTuner } from './tuner.js';
