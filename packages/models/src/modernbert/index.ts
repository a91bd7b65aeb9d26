/** @module ModernBERT encoder: transformers' ModernBertForSequenceClassification in tfjs, config, checkpoint loading. */
export { modernBertConfig, isLocalLayer, type ModernBertConfig } from './config.js';
export { ModernBertEmbeddings, ModernBertAttention, ModernBertMLP, ModernBertEncoderLayer, ModernBertPredictionHead, type ModernBertAttentionInputs } from './layers.js';
export { ModernBertModel, ModernBertForSequenceClassification } from './model.js';
export { modernBertTensorShapes, buildModernBert } from './build.js';
export { createModernBert, createModernBertClassifier, truncatedNormal } from './create.js';
export { loadHfModernBert, MODERNBERT_IGNORED, type LoadHfModernBertOptions, type LoadedModernBert } from './load.js';
