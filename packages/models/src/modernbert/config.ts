/**
 * ModernBERT's config.json (transformers `ModernBertConfig`), snake_case as transformers writes it, with
 * its defaults. Every field that changes the forward pass is implemented or refused by name; MLM-only
 * fields (`decoder_bias`, `sparse_prediction`) and kernel switches (`reference_compile`,
 * `deterministic_flash_attn`, `repad_logits_with_grad`) do not change this model's numbers.
 * @module
 */
import { ConfigFields, type Json } from '../checkpoint/config-fields.js';
import type { BertActivation } from '../bert/config.js';

export interface ModernBertConfig {
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  hidden_activation: BertActivation;
  max_position_embeddings: number;
  initializer_range: number;
  norm_eps: number;
  norm_bias: boolean;
  attention_bias: boolean;
  mlp_bias: boolean;
  global_rope_theta: number;
  /** RoPE theta of the local (sliding-window) layers. */
  local_rope_theta: number;
  /** Layer i attends globally when i % global_attn_every_n_layers === 0, else within the local window. */
  global_attn_every_n_layers: number;
  /** Local window width: a token sees keys at distance ≤ local_attention / 2 (integer division). */
  local_attention: number;
  classifier_pooling: 'cls' | 'mean';
  classifier_activation: BertActivation;
  classifier_bias: boolean;
  classifier_dropout: number;
  pad_token_id: number;
  num_labels: number;
  problem_type: 'regression' | 'single_label_classification' | null;
}

const ACTIVATIONS: readonly BertActivation[] = ['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu', 'tanh'];

/** Checked config from config.json contents; `file` is named in errors. */
export function modernBertConfig(json: Json, file?: string): ModernBertConfig {
  const f = new ConfigFields(json, file);
  if (f.has('model_type') && f.raw('model_type') !== 'modernbert') f.fail('model_type', `model_type must be 'modernbert', got ${JSON.stringify(f.raw('model_type'))}`);
  const hidden = f.int('hidden_size', 768);
  const heads = f.int('num_attention_heads', 12);
  if (hidden % heads !== 0) f.fail('num_attention_heads', `hidden_size ${hidden} is not a multiple of num_attention_heads ${heads}`);
  if ((hidden / heads) % 2 !== 0) f.fail('num_attention_heads', `head dimension ${hidden / heads} must be even for RoPE`);
  for (const k of ['attention_dropout', 'embedding_dropout', 'mlp_dropout']) f.zeroDropout(k);
  const classifierDropout = f.number('classifier_dropout', 0, 'in [0, 1)', (x) => x >= 0 && x < 1);
  if (f.has('rope_scaling')) f.fail('rope_scaling', `'rope_scaling' ${JSON.stringify(f.raw('rope_scaling'))} is not supported for modernbert`);
  const problem = f.has('problem_type') ? f.oneOf('problem_type', ['regression', 'single_label_classification'] as const) : null;
  const id2label = f.raw('id2label');
  const numLabels = f.has('num_labels') ? f.int('num_labels') : id2label && typeof id2label === 'object' ? Object.keys(id2label).length : 2;
  const globalTheta = f.positive('global_rope_theta', 160000);
  return {
    vocab_size: f.int('vocab_size', 50368),
    hidden_size: hidden,
    intermediate_size: f.int('intermediate_size', 1152),
    num_hidden_layers: f.int('num_hidden_layers', 22),
    num_attention_heads: heads,
    hidden_activation: f.oneOf('hidden_activation', ACTIVATIONS, 'gelu'),
    max_position_embeddings: f.int('max_position_embeddings', 8192),
    initializer_range: f.positive('initializer_range', 0.02),
    norm_eps: f.positive('norm_eps', 1e-5),
    norm_bias: f.bool('norm_bias', false),
    attention_bias: f.bool('attention_bias', false),
    mlp_bias: f.bool('mlp_bias', false),
    global_rope_theta: globalTheta,
    local_rope_theta: f.has('local_rope_theta') ? f.positive('local_rope_theta') : globalTheta,
    global_attn_every_n_layers: f.int('global_attn_every_n_layers', 3),
    local_attention: f.int('local_attention', 128, 0),
    classifier_pooling: f.oneOf('classifier_pooling', ['cls', 'mean'] as const, 'cls'),
    classifier_activation: f.oneOf('classifier_activation', ACTIVATIONS, 'gelu'),
    classifier_bias: f.bool('classifier_bias', false),
    classifier_dropout: classifierDropout,
    pad_token_id: f.int('pad_token_id', 50283, 0),
    num_labels: numLabels,
    problem_type: problem,
  };
}

/** Whether layer i uses the sliding local window (and the local RoPE theta). */
export function isLocalLayer(c: ModernBertConfig, i: number): boolean {
  return i % c.global_attn_every_n_layers !== 0;
}
