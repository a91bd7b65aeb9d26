/**
 * @module @fish-tuning/models (browser) — everything of the main entry that needs no file system:
 * model classes, random init, llama2.c parsing from bytes, tokenizers from bytes/JSON, generation.
 * Bundlers pick it through the `browser` export condition; the directory loaders/savers
 * (`loadLlama2c`, `loadHfLlama`, `loadHfBert`, `saveHfBert`, …) stay Node-only.
 */
export { llamaConfig, headDimOf, toHfConfigJson, fromHfConfigJson, type LlamaConfig, type LlamaConfigInput } from './llama/config.js';
export { LlamaForCausalLM, LlamaModel, type HiddenOptions } from './llama/model.js';
export { LlamaDecoderLayer } from './llama/decoder-layer.js';
export { LlamaAttention, type AttentionInputs } from './llama/attention.js';
export { LlamaMLP } from './llama/mlp.js';
export { LlamaRMSNorm } from './llama/rms-norm.js';
export { Embedding } from './llama/embedding.js';
export { LlamaKvCache } from './llama/kv-cache.js';
export { inverseFrequencies, ropeTables, applyRope } from './llama/rope.js';
export { IGNORE_INDEX } from '@fish-tuning/core';
export { causalLmPerExampleLoss, labelsFromInputs } from './llama/loss.js';
export { hfWeightShapes, buildLlama, llamaStateDict } from './llama/weights.js';
export { createLlama } from './llama/create.js';
export { parseLlama2c, permuteRope, llama2cModel, type Llama2cCheckpoint } from './llama/llama2c-parse.js';
export { generate, generateIds, type GenerateOptions, type GenerateIdsOptions, type GenerateResult } from './llama/generate.js';
export { Llama2cTokenizer, HfTokenizer, llama2cToTokenizerJson } from './tokenizers/index.js';

export { bertConfig, BERT_DEFAULTS, type BertConfig, type BertActivation } from './bert/config.js';
export { LayerNorm, activation } from './bert/primitives.js';
export { BertEmbeddings } from './bert/embeddings.js';
export { BertSelfAttention, BertResidualOutput, BertAttention } from './bert/attention.js';
export { BertIntermediate, BertLayer, BertEncoder } from './bert/layer.js';
export { BertModel, BertPooler, meanPooling, type BertInputs } from './bert/bert-model.js';
export { BertClassifier } from './bert/classifier.js';
export { crossEntropyPerExample, squaredErrorPerExample } from './bert/loss.js';
export { BertForSequenceClassification } from './bert/sequence-classification.js';
export { bertTensorShapes, buildBertModel } from './bert/build.js';
export { createBert, createClassifier, resolveHead, type BertHeadOptions } from './bert/create.js';
export { BasicTokenizer, type BasicTokenizerOptions } from './bert/tokenizer/basic.js';
export { WordPiece } from './bert/tokenizer/wordpiece.js';
export {
  VocabBertTokenizer,
  JsonBertTokenizer,
  cleanUpTokenization,
  type BertTokenizer,
  type BertSpecialTokens,
} from './bert/tokenizer/bert-tokenizer.js';
