/**
 * Accuracy and binary F1, as scikit-learn computes them.
 * @module
 */
import { checkPairs } from './check.js';

/** Fraction of predictions equal to their label. */
export function accuracy(predictions: readonly number[], labels: readonly number[]): number {
  checkPairs(predictions, labels, 'accuracy');
  let hit = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) hit++;
  return hit / labels.length;
}

/** F1 of the `positive` class (default 1): 2·TP / (2·TP + FP + FN); 0 when there are no positives at all. */
export function f1Binary(predictions: readonly number[], labels: readonly number[], positive = 1): number {
  checkPairs(predictions, labels, 'f1');
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = predictions[i] === positive;
    const t = labels[i] === positive;
    if (p && t) tp++;
    else if (p) fp++;
    else if (t) fn++;
  }
  const denom = 2 * tp + fp + fn;
  return denom === 0 ? 0 : (2 * tp) / denom;
}
