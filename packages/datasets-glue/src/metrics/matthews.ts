/**
 * Matthews correlation coefficient (CoLA's metric), in scikit-learn's multiclass form; for two
 * classes it equals (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN)). 0 when undefined.
 * @module
 */
import { checkPairs } from './check.js';

/** MCC of integer class predictions against labels, in [-1, 1]. */
export function matthewsCorrelation(predictions: readonly number[], labels: readonly number[]): number {
  checkPairs(predictions, labels, 'matthewsCorrelation');
  const n = labels.length;
  const tCount = new Map<number, number>();
  const pCount = new Map<number, number>();
  let correct = 0;
  for (let i = 0; i < n; i++) {
    tCount.set(labels[i], (tCount.get(labels[i]) ?? 0) + 1);
    pCount.set(predictions[i], (pCount.get(predictions[i]) ?? 0) + 1);
    if (predictions[i] === labels[i]) correct++;
  }
  let pt = 0;
  for (const [k, t] of tCount) pt += t * (pCount.get(k) ?? 0);
  const sumSq = (m: Map<number, number>) => [...m.values()].reduce((s, v) => s + v * v, 0);
  const cov = correct * n - pt;
  const denom = Math.sqrt((n * n - sumSq(pCount)) * (n * n - sumSq(tCount)));
  return denom === 0 ? 0 : cov / denom;
}
