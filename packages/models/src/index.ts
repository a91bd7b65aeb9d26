/** @module @fish-tuning/models — BERT encoder and Llama-family decoder with checkpoint and tokenizer loading. */
// Re-exports are listed by name inside each family's index; this file only joins them.
export * from './llama/index.js';
export * from './bert/index.js';
export * from './modernbert/index.js';
export { loadPretrained, modelTypeOf, SUPPORTED_MODEL_TYPES, type LoadPretrainedOptions, type LoadedPretrained } from './load.js';
export { CheckpointReader, takeAll, type IgnoreRule } from './checkpoint/reader.js';
export { ConfigFields } from './checkpoint/config-fields.js';
export { modelInventory, acceptsTokenTypes, maxPositionsOf, numLabelsOf, type ModelInventory } from './inventory.js';
