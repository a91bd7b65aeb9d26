/**
 * Evaluation on held-out examples: predictions of a classifier (argmax) or regressor (score), the metric
 * of the caller's choice, and the mean loss.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, collate, disposeBatch, type Example, type PeftTargetModel } from '@fish-tuning/core';
import { evaluateLoss, microBatches } from '@fish-tuning/trainer';
import type { MetricFn } from './options.js';

/** Class ids (classification, argmax) or scores (regression) of `examples`, in token-budgeted micro-batches, eval mode. */
export function predict(model: PeftTargetModel, examples: readonly Example[], maxTokens = 1024): number[] {
  if (model.task !== 'classification' && model.task !== 'regression') {
    throw new FishTuningError(`predict needs a classification or regression model, got '${model.task}'`, { option: 'model' });
  }
  const out: number[] = [];
  for (const micro of microBatches(examples, maxTokens)) {
    const batch = collate(micro.map((e) => ({ ...e, labels: undefined })), model.task);
    try {
      const values = tf.tidy(() => {
        const logits = model.logits(batch, { training: false });
        return (model.task === 'regression' ? tf.reshape(logits, [-1]) : tf.argMax(logits, -1)).dataSync();
      });
      out.push(...Array.from(values));
    } finally {
      disposeBatch(batch);
    }
  }
  return out;
}

/** Accuracy of class predictions. */
export function accuracy(predictions: readonly number[], labels: readonly number[]): number {
  return predictions.filter((p, i) => p === labels[i]).length / labels.length;
}

/**
 * The metrics of `model` on `examples`: `metric(predictions, labels)` (default accuracy for a classifier,
 * nothing for others) followed by `eval_loss`, the mean per-example loss.
 */
export function evaluateExamples(model: PeftTargetModel, examples: readonly Example[], metric: MetricFn | undefined, maxTokens = 1024): Record<string, number> {
  const metrics: Record<string, number> = {};
  if (model.task === 'classification' || model.task === 'regression') {
    const labels = examples.map((e, i) => {
      if (typeof e.labels !== 'number') throw new FishTuningError(`validation example ${i}: a ${model.task} model needs one number as label`, { option: 'labels' });
      return e.labels;
    });
    const predictions = predict(model, examples, maxTokens);
    if (metric) Object.assign(metrics, metric(predictions, labels));
    else if (model.task === 'classification') metrics.accuracy = accuracy(predictions, labels);
  } else if (metric) {
    throw new FishTuningError(`a metric over predictions needs a classification or regression model; a ${model.task} model is evaluated by eval_loss (or give evaluate)`, { option: 'metric' });
  }
  metrics.eval_loss = evaluateLoss(model, examples, maxTokens);
  return metrics;
}
