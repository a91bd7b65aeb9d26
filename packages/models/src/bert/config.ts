/**
 * BERT's config.json (Hugging Face `BertConfig`): snake_case keys as transformers writes them, with
 * transformers' defaults, checked so that an error names the file and the field.
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';

export type BertActivation = 'gelu' | 'gelu_new' | 'gelu_pytorch_tanh' | 'relu' | 'tanh';

export interface BertConfig {
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  hidden_act: BertActivation;
  hidden_dropout_prob: number;
  attention_probs_dropout_prob: number;
  max_position_embeddings: number;
  type_vocab_size: number;
  initializer_range: number;
  layer_norm_eps: number;
  pad_token_id: number;
  /** Dropout before the classifier; null means hidden_dropout_prob (as transformers does). */
  classifier_dropout: number | null;
  position_embedding_type: 'absolute';
  /** Classification head size (transformers derives it from id2label); 2 when absent. */
  num_labels: number;
  /** 'regression' or 'single_label_classification'; null lets num_labels decide (1 → regression). */
  problem_type: 'regression' | 'single_label_classification' | null;
}

/** transformers' BertConfig defaults (bert-base-uncased). */
export const BERT_DEFAULTS: BertConfig = Object.freeze({
  vocab_size: 30522,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  max_position_embeddings: 512,
  type_vocab_size: 2,
  initializer_range: 0.02,
  layer_norm_eps: 1e-12,
  pad_token_id: 0,
  classifier_dropout: null,
  position_embedding_type: 'absolute',
  num_labels: 2,
  problem_type: null,
});

const ACTIVATIONS: readonly string[] = ['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu', 'tanh'];

function positiveInt(raw: Record<string, unknown>, key: keyof BertConfig, file?: string): number {
  const v = raw[key] ?? BERT_DEFAULTS[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new FishTuningError(`${key} must be a positive integer, got ${JSON.stringify(v)}`, { file, option: key });
  }
  return v;
}

function positiveNumber(raw: Record<string, unknown>, key: keyof BertConfig, file?: string): number {
  const v = raw[key] ?? BERT_DEFAULTS[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new FishTuningError(`${key} must be a number > 0, got ${JSON.stringify(v)}`, { file, option: key });
  return v;
}

function probability(raw: Record<string, unknown>, key: keyof BertConfig, file?: string): number {
  const v = raw[key] ?? BERT_DEFAULTS[key];
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) {
    throw new FishTuningError(`${key} must be in [0, 1), got ${JSON.stringify(v)}`, { file, option: key });
  }
  return v;
}

/**
 * A checked BertConfig from config.json contents (or a partial one for tests); missing fields take
 * transformers' defaults. `file` is named in errors.
 */
export function bertConfig(raw: Partial<BertConfig> | Record<string, unknown>, file?: string): BertConfig {
  const r = raw as Record<string, unknown>;
  if (r.model_type !== undefined && r.model_type !== 'bert') {
    throw new FishTuningError(`model_type must be 'bert', got ${JSON.stringify(r.model_type)}`, { file, option: 'model_type' });
  }
  const hidden = positiveInt(r, 'hidden_size', file);
  const heads = positiveInt(r, 'num_attention_heads', file);
  if (hidden % heads !== 0) {
    throw new FishTuningError(`hidden_size ${hidden} is not a multiple of num_attention_heads ${heads}`, { file, option: 'num_attention_heads' });
  }
  const act = r.hidden_act ?? BERT_DEFAULTS.hidden_act;
  if (typeof act !== 'string' || !ACTIVATIONS.includes(act)) {
    throw new FishTuningError(`hidden_act ${JSON.stringify(act)} is not supported (one of ${ACTIVATIONS.join(', ')})`, { file, option: 'hidden_act' });
  }
  const pos = r.position_embedding_type ?? 'absolute';
  if (pos !== 'absolute') {
    throw new FishTuningError(`position_embedding_type ${JSON.stringify(pos)} is not supported (only 'absolute')`, { file, option: 'position_embedding_type' });
  }
  const eps = r.layer_norm_eps ?? BERT_DEFAULTS.layer_norm_eps;
  if (typeof eps !== 'number' || !(eps > 0)) throw new FishTuningError(`layer_norm_eps must be > 0, got ${JSON.stringify(eps)}`, { file, option: 'layer_norm_eps' });
  const classifierDropout = r.classifier_dropout ?? null;
  if (classifierDropout !== null) probability(r, 'classifier_dropout', file);
  const problem = r.problem_type ?? null;
  if (problem !== null && problem !== 'regression' && problem !== 'single_label_classification') {
    throw new FishTuningError(`problem_type ${JSON.stringify(problem)} is not supported ('regression' or 'single_label_classification')`, { file, option: 'problem_type' });
  }
  // transformers derives num_labels from id2label when the config has no num_labels.
  const id2label = r.id2label as Record<string, string> | undefined;
  const numLabels = r.num_labels ?? (id2label && typeof id2label === 'object' ? Object.keys(id2label).length : BERT_DEFAULTS.num_labels);
  const pad = r.pad_token_id ?? BERT_DEFAULTS.pad_token_id;
  return {
    vocab_size: positiveInt(r, 'vocab_size', file),
    hidden_size: hidden,
    num_hidden_layers: positiveInt(r, 'num_hidden_layers', file),
    num_attention_heads: heads,
    intermediate_size: positiveInt(r, 'intermediate_size', file),
    hidden_act: act as BertActivation,
    hidden_dropout_prob: probability(r, 'hidden_dropout_prob', file),
    attention_probs_dropout_prob: probability(r, 'attention_probs_dropout_prob', file),
    max_position_embeddings: positiveInt(r, 'max_position_embeddings', file),
    type_vocab_size: positiveInt(r, 'type_vocab_size', file),
    initializer_range: positiveNumber(r, 'initializer_range', file),
    layer_norm_eps: eps,
    pad_token_id: typeof pad === 'number' ? pad : 0,
    classifier_dropout: classifierDropout as number | null,
    position_embedding_type: 'absolute',
    num_labels: positiveInt({ num_labels: numLabels }, 'num_labels', file),
    problem_type: problem as BertConfig['problem_type'],
  };
}
