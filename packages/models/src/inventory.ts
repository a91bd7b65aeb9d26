/**
 * What a loaded model is made of, for `fish-tune info` and reports: its frozen parameter count (a tied
 * head counted once, as transformers does; the task head apart) and the dense modules PEFT can target,
 * grouped by the last path component(s) that `target_modules` would name.
 * @module
 */
import { Linear, Module, isLinearLike, namedModules, type PeftTargetModel } from '@fish-tuning/core';
import { Embedding as BertEmbedding, LayerNorm } from './bert/primitives.js';
import { Embedding } from './llama/embedding.js';
import { LlamaRMSNorm } from './llama/rms-norm.js';
import { LlamaForCausalLM } from './llama/model.js';
import { BertForSequenceClassification } from './bert/sequence-classification.js';
import { ModernBertForSequenceClassification } from './modernbert/model.js';

export interface ModelInventory {
  modelType: string;
  task: PeftTargetModel['task'];
  numLayers: number;
  /** Frozen base parameters (embeddings, projections, norms; a tied lm_head once), task head excluded. */
  baseParameters: number;
  /** Task head parameters (the classifier, trained as PEFT's modules_to_save); 0 for a causal LM. */
  headParameters: number;
  /** Dense modules PEFT can wrap, by name (module path with the layer prefix removed) → how many. */
  targetable: Map<string, number>;
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function modelInventory(model: PeftTargetModel): ModelInventory {
  const head = model.headParameters();
  const headModules = new Set(head.map((p) => p.module));
  let base = 0;
  const targetable = new Map<string, number>();
  const seen = new Set<Module>();
  const layerPrefix = /^(?:.*\.)?(?:layers?|layer)\.\d+\./;
  for (const [path, m] of namedModules(model)) {
    if (seen.has(m) || headModules.has(path)) continue;
    seen.add(m);
    if (m instanceof Linear) {
      const tiedHead = model instanceof LlamaForCausalLM && model.config.tieWordEmbeddings && path === 'lm_head';
      if (!tiedHead) base += sizeOf(m.kernel.shape) + (m.bias ? m.bias.size : 0);
    } else if (m instanceof Embedding || m instanceof BertEmbedding || m instanceof LlamaRMSNorm) base += m.weight.size;
    else if (m instanceof LayerNorm) base += m.weight.size + (m.bias?.size ?? 0);
    if (path !== '' && isLinearLike(m)) {
      const name = path.replace(layerPrefix, '');
      targetable.set(name, (targetable.get(name) ?? 0) + 1);
    }
  }
  return {
    modelType: model.modelType,
    task: model.task,
    numLayers: model.dims.numLayers,
    baseParameters: base,
    headParameters: head.reduce((n, p) => n + p.variable.size, 0),
    targetable,
  };
}

/** Whether the model takes BERT segment ids (token_type_ids): BERT does, ModernBERT and the decoders do not. */
export function acceptsTokenTypes(model: PeftTargetModel): boolean {
  return model instanceof BertForSequenceClassification;
}

/** The longest sequence the model accepts (max_position_embeddings), or null when unknown. */
export function maxPositionsOf(model: PeftTargetModel): number | null {
  if (model instanceof LlamaForCausalLM) return model.config.maxPositionEmbeddings;
  if (model instanceof BertForSequenceClassification) return model.bert.config.max_position_embeddings;
  if (model instanceof ModernBertForSequenceClassification) return model.config.max_position_embeddings;
  return null;
}

/** Classifier outputs of an encoder (1 for regression), or null for a decoder. */
export function numLabelsOf(model: PeftTargetModel): number | null {
  if (model instanceof BertForSequenceClassification || model instanceof ModernBertForSequenceClassification) return model.numLabels;
  return null;
}
