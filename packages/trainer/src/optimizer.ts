/**
 * The optimizer contract the trainer drives. Gradients come in raw (unmasked); each optimizer applies
 * the parameter's mask itself, so a masked entry never moves — not through the gradient and not
 * through weight decay — and stays bit-identical.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { DecodedTensor } from '@fish-tuning/core';
import type { MaskedParameter } from './masked-parameter.js';

export interface Optimizer {
  readonly kind: 'adamw' | 'sgd';
  /** Updates applied so far (the bias-correction step count for AdamW). */
  readonly updates: number;
  /** The parameters with their validated masks, in the order given. */
  readonly params: readonly MaskedParameter[];
  /**
   * One update. `grads` maps parameter names to raw gradients (parameters without a gradient are left
   * alone); `gradScale` multiplies every gradient first (global-norm clipping). Synchronous; leaks nothing.
   */
  apply(grads: ReadonlyMap<string, tf.Tensor>, lr: number, gradScale?: number): void;
  /** State tensors to checkpoint, by name (owned by the optimizer: do not dispose). */
  stateTensors(): Map<string, tf.Tensor>;
  /** Restores state written by {@link stateTensors}; names and shapes are checked (errors name `file`). */
  loadState(tensors: ReadonlyMap<string, DecodedTensor>, updates: number, file?: string): void;
  /** Bytes held by optimizer state (moments). */
  stateBytes(): number;
  dispose(): void;
}
