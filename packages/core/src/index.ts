/**
 * @module @fish-tuning/core — the tiny contract every fish-tuning package shares. Backend-free: pick
 * a backend by importing `@fish-tuning/backend-wasm` (Node), `-cpu`, `-webgpu` or `-node-gpu`.
 * Node-only file helpers live in `@fish-tuning/core/node`.
 */
export { FishTuningError, check, type ErrorSubject } from './errors.js';
export { Module, namedModules, getSubmodule, setSubmodule } from './module.js';
export { Linear, isLinearLike, type LinearLike } from './linear.js';
export { matmulKernel, matmulWeight, perSampleBroadcast } from './linear-algebra.js';
export { dropout, EVAL_CONTEXT, type ForwardContext } from './context.js';
export { paramValue, isPerSample, withParamOverrides } from './per-sample.js';
export { countParameters, parameterMap, type TrainableParameter, type HasTrainableParameters } from './parameters.js';
export type { ModelBatch, ModelTask, ModelDims, KeyValuePrefix, PrefixSource, PeftTargetModel } from './model.js';
export { loadAdapterState, type PeftAdapter, type PeftConfigBase, type Tuner } from './peft.js';
export { WrappingAdapter } from './wrapping-adapter.js';
export { registerTuner, getTuner, registeredTuners } from './registry.js';
export { matchesTarget, layerIndexOf, resolveLayers, type TargetSpec, type ModuleSelector } from './match.js';
export { injectModules, restoreModules, type Injection } from './inject.js';
export {
  PEFT_PREFIX,
  ADAPTER_CONFIG_NAME,
  ADAPTER_WEIGHTS_NAME,
  FISHER_SIDECAR_NAME,
  MASK_SIDECAR_NAME,
  peftTensorName,
  modulePathOf,
} from './state-dict.js';
export {
  parseHeader,
  headerLength,
  MAX_HEADER_BYTES,
  decodeTensor,
  readSafetensorsBytes,
  writeSafetensorsBytes,
  type SafetensorsDType,
  type SafetensorsHeader,
  type TensorEntry,
  type DecodedTensor,
  type TensorToWrite,
} from './safetensors.js';
export { toTensor, toWritable } from './tensors.js';
export { assignStateDict, assignParameters, parametersStateDict, savedHeadParameters } from './assign-state.js';
export { Rng, type RngState } from './rng.js';
export { installBackendFixes } from './backend-fixes.js';
export { ownEntry } from './lookup.js';
export { refuseUnsupportedConfigKeys } from './peft-config-keys.js';
export { validateExamples, type ValidatableExample, type ValidationContext } from './data/validate.js';
export { backendMemoryCap, backendMemoryBudget, isBackendOutOfMemory, explainOutOfMemory } from './backend-memory.js';
export type { TextTokenizer } from './tokenizer.js';
