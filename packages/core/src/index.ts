/**
 * @module @fish-tuning/core — the tiny contract every fish-tuning package shares. Backend-free: pick
 * a backend by importing `@fish-tuning/backend-wasm` (Node), `-cpu`, `-webgpu` or `-node-gpu`.
 * Node-only file helpers live in `@fish-tuning/core/node`.
 */
export { FishTuningError, check, inFile, type ErrorSubject } from './errors.js';
export { Module, namedModules, getSubmodule, setSubmodule } from './module.js';
export { Linear, isLinearLike, type LinearLike } from './linear.js';
export { matmulKernel, matmulWeight, perSampleBroadcast } from './linear-algebra.js';
export { dropout, EVAL_CONTEXT, type ForwardContext } from './context.js';
export { paramValue, isPerSample, withParamOverrides } from './per-sample.js';
export { countParameters, parameterMap, type TrainableParameter, type HasTrainableParameters } from './parameters.js';
export { isSplittableModel, type ModelBatch, type ModelTask, type ModelDims, type ModelFacts, type KeyValuePrefix, type PrefixSource, type PeftTargetModel, type SplittableModel } from './model.js';
export {
  loadAdapterState,
  parameterCount,
  configToJson,
  peftTaskType,
  peftConfigHeader,
  defaultModulesToSave,
  modulesToSave,
  type PeftAdapter,
  type PeftConfigBase,
  type ParameterCount,
  type Tuner,
} from './peft.js';
export { AdapterBase } from './adapter-base.js';
export { WrappingAdapter } from './wrapping-adapter.js';
export { registerTuner, unregisterTuner, getTuner, registeredTuners, tunerForConfig, type AnyTuner } from './registry.js';
export { adapterFromFiles, adapterToFiles, adapterFilesFromBytes, adapterConfigText, adapterWeightsBytes, type AdapterFiles } from './adapter-files.js';
export {
  registerModelFamily,
  getModelFamily,
  findModelFamily,
  registeredModelFamilies,
  defaultTargets,
  type ModelFamily,
  type Architecture,
  type TargetDefaults,
} from './model-families.js';
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
export { toTensor, toWritable, ownedVariable } from './tensors.js';
export { assignStateDict, assignParameters, parametersStateDict, savedHeadParameters } from './assign-state.js';
export { Rng, type RngState } from './rng.js';
export { installBackendFixes, type BackendFixOptions } from './backend-fixes.js';
export { ownEntry } from './lookup.js';
export { refuseUnsupportedConfigKeys } from './peft-config-keys.js';
export { validateExamples, type ValidatableExample, type ValidationContext } from './data/validate.js';
export { backendMemoryCap, backendMemoryBudget, isBackendOutOfMemory, explainOutOfMemory } from './backend-memory.js';
export type { TextTokenizer } from './tokenizer.js';
export {
  IGNORE_INDEX,
  exampleLength,
  padExamples,
  padRows,
  collate,
  disposeBatch,
  sliceBatch,
  type Example,
  type PadOptions,
  type PaddedExamples,
  type PaddedRows,
} from './data/index.js';
