/**
 * The two Fisher estimators as sums of weighted squared per-sample gradients:
 *
 *   empirical (FISH Mask Eq. 3):  F = 1/N Σ_i (∇ L_i)²                       one term, weight 1
 *   expected  (Eq. 2):            F = 1/N Σ_i Σ_y p(y|x_i) (∇ log p(y|x_i))²  one term per class y
 *
 * A term is a per-example loss function ([b]) plus optional per-example weights. `−log p(y|x)` is the
 * model's own per-example loss with the labels set to y, so the estimators only use the
 * PeftTargetModel contract and work for every model and PEFT method.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { EVAL_CONTEXT, FishTuningError, type ModelBatch, type PeftTargetModel } from '@fish-tuning/core';

export type FisherEstimator = 'empirical' | 'expected';
export const FISHER_ESTIMATORS: readonly FisherEstimator[] = ['empirical', 'expected'];

/** One weighted term: Σ_i w_i (∇ loss_i)². `weights` null means 1. */
export interface FisherTerm {
  /** [b] weights (not differentiated), owned by the term's creator and disposed by the caller. */
  weights: tf.Tensor1D | null;
  /** Per-example losses [b] for this term (run inside a gradient scope). */
  loss: () => tf.Tensor1D;
  /** Frees what the term owns (weights, substituted labels). */
  dispose(): void;
}

/** The terms of `estimator` for one batch. Call {@link disposeTerms} when done. */
export function fisherTerms(model: PeftTargetModel, batch: ModelBatch, estimator: FisherEstimator): FisherTerm[] {
  if (estimator === 'empirical') {
    if (!batch.labels) throw new FishTuningError('the empirical Fisher needs labels in every sample', { option: 'labels' });
    return [{ weights: null, loss: () => model.perExampleLoss(batch, EVAL_CONTEXT), dispose: () => undefined }];
  }
  if (estimator !== 'expected') {
    throw new FishTuningError(`unknown estimator '${estimator as string}'; accepted: ${FISHER_ESTIMATORS.join(', ')}`, { option: 'fisher' });
  }
  if (model.task !== 'classification') {
    throw new FishTuningError(`the expected Fisher is defined here for classification models only; this model's task is '${model.task}'`, { option: 'fisher' });
  }
  const b = batch.inputIds.shape[0];
  const probs = tf.tidy(() => tf.softmax(model.logits(batch, EVAL_CONTEXT)) as tf.Tensor2D);
  const numClasses = probs.shape[1];
  const terms: FisherTerm[] = [];
  for (let y = 0; y < numClasses; y++) {
    const weights = tf.tidy(() => tf.reshape(tf.slice(probs, [0, y], [b, 1]), [b]) as tf.Tensor1D);
    const labels = tf.fill([b], y, 'int32');
    // Keep the caller's batch tensors; only the labels differ.
    const withY: ModelBatch = { ...batch, labels };
    terms.push({ weights, loss: () => model.perExampleLoss(withY, EVAL_CONTEXT), dispose: () => tf.dispose([weights, labels]) });
  }
  probs.dispose();
  return terms;
}

/** Frees what {@link fisherTerms} allocated (weights and per-class label tensors). */
export function disposeTerms(terms: FisherTerm[]): void {
  for (const t of terms) t.dispose();
}
