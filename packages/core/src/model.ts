/**
 * What a model exposes to PEFT methods, Fisher and the trainer. Models (packages/models) implement it;
 * nothing else in the library knows which architecture it is working on.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Module } from './module.js';
import type { ForwardContext } from './context.js';
import type { TrainableParameter } from './parameters.js';

/** One batch, Hugging Face conventions. */
export interface ModelBatch {
  /** int32 [b, t]. */
  inputIds: tf.Tensor2D;
  /** [b, t], 1 for real tokens and 0 for padding (right padding). */
  attentionMask?: tf.Tensor2D;
  /** int32 [b, t] (BERT segments). */
  tokenTypeIds?: tf.Tensor2D;
  /**
   * Causal LM: int32 [b, t] aligned with inputIds (shifted inside the model), -100 ignored.
   * Classification: int32 [b]. Regression: float32 [b].
   */
  labels?: tf.Tensor;
}

export type ModelTask = 'causal-lm' | 'classification' | 'regression' | 'encoder';

/** What a method's config reads from a model: its family (model_type), its task and its sizes. */
export type ModelFacts = Pick<PeftTargetModel, 'modelType' | 'task' | 'dims'>;

/** Shape facts PEFT methods need to size their tensors. */
export interface ModelDims {
  numLayers: number;
  hiddenSize: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  intermediateSize: number;
  vocabSize: number;
}

/** Keys and values prepended to one layer's attention: [b, kvHeads, l, headDim] each. */
export interface KeyValuePrefix {
  key: tf.Tensor;
  value: tf.Tensor;
}

/**
 * Supplies prefix keys/values to attention layers (Prefix-tuning, UniPELT). `hidden` is the layer's
 * input [b, t, d] (UniPELT gates are computed from it). A layer without a prefix (a prefix in the top n
 * layers only) gets null: it attends to the real tokens alone, whose positions still start at `length`.
 */
export interface PrefixSource {
  readonly length: number;
  prefixFor(layer: number, hidden: tf.Tensor, ctx?: ForwardContext): KeyValuePrefix | null;
}

export interface PeftTargetModel extends Module {
  readonly task: ModelTask;
  readonly dims: ModelDims;
  /**
   * Hugging Face `model_type` ('llama', 'bert', …): the key of the model-family table
   * (model-families.ts), which holds each method's default targets.
   */
  readonly modelType: string;
  /** Attention prefix (Prefix-tuning); null when none. Real tokens' RoPE positions start at its length. */
  prefix: PrefixSource | null;
  /** Module path of transformer layer i (e.g. `model.layers.3`, `bert.encoder.layer.3`). */
  layerPath(i: number): string;
  /** Output scores: causal LM [b, t, vocab]; classification [b, numLabels]; regression [b]. */
  logits(batch: ModelBatch, ctx?: ForwardContext): tf.Tensor;
  /**
   * L_i for each example, shape [b]: cross-entropy (classification), squared error (regression), or the
   * mean token cross-entropy over the example's supervised positions (causal LM). Training minimises
   * the mean over examples; Fisher squares each example's gradient.
   */
  perExampleLoss(batch: ModelBatch, ctx?: ForwardContext): tf.Tensor1D;
  /**
   * The task head's parameters (a freshly initialised classifier), trained alongside the PEFT
   * parameters as PEFT's `modules_to_save` does; empty for a causal LM. Never FISH candidates.
   */
  headParameters(): TrainableParameter[];
  /**
   * OPTIONAL hook for the trainer's frozen-prefix activation cache. The hidden states entering layer
   * `upToLayer`: embeddings and layers [0, upToLayer) run in eval mode (no dropout), shape
   * [b, t, hiddenSize]. Must not depend on trainable parameters (the trainer only calls it when every
   * PEFT parameter lives in layers ≥ upToLayer and `prefix` is null).
   */
  forwardBottom?(batch: ModelBatch, upToLayer: number): tf.Tensor;
  /**
   * OPTIONAL, paired with forwardBottom: per-example loss [b] from `hidden` [b, t, hiddenSize] (the input of
   * layer `fromLayer`, padded like `batch`) through layers [fromLayer, numLayers) and the head. With dropout
   * off in the bottom layers, forwardTop(forwardBottom(batch, k), batch, k, ctx) equals perExampleLoss(batch, ctx).
   */
  forwardTop?(hidden: tf.Tensor, batch: ModelBatch, fromLayer: number, ctx?: ForwardContext): tf.Tensor1D;
  dispose(): void;
}
