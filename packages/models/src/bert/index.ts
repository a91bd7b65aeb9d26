/** @module BERT encoder: HF BertModel / BertForSequenceClassification in tfjs, checkpoint and WordPiece tokenizer loading. */
export { bertConfig, BERT_DEFAULTS, type BertConfig, type BertActivation } from './config.js';
export { LayerNorm, activation } from './primitives.js';
export { BertEmbeddings } from './embeddings.js';
export { BertSelfAttention, BertResidualOutput, BertAttention } from './attention.js';
export { BertIntermediate, BertLayer, BertEncoder } from './layer.js';
export { BertModel, BertPooler, meanPooling, type BertInputs } from './bert-model.js';
export { BertClassifier } from './classifier.js';
export { crossEntropyPerExample, squaredErrorPerExample } from './loss.js';
export { BertForSequenceClassification } from './sequence-classification.js';
export { bertTensorShapes, buildBertModel } from './build.js';
export { createBert, createClassifier, resolveHead, type BertHeadOptions } from './create.js';
export { loadHfBert, type LoadHfBertOptions, type LoadedBert } from './load.js';
export { BasicTokenizer, type BasicTokenizerOptions } from './tokenizer/basic.js';
export { WordPiece } from './tokenizer/wordpiece.js';
export {
  VocabBertTokenizer,
  JsonBertTokenizer,
  cleanUpTokenization,
  type BertTokenizer,
  type BertSpecialTokens,
} from './tokenizer/bert-tokenizer.js';
export { loadBertTokenizer, type LoadBertTokenizerOptions } from './tokenizer/load.js';
export { bertStateDict, saveHfBert, toHfBertConfigJson } from './save.js';
export { BERT_IGNORED } from './load.js';
