/**
 * The GLUE score of each task and the average across tasks:
 * CoLA → Matthews correlation; STS-B → mean of Pearson and Spearman; MRPC → mean of F1 and
 * accuracy; SST-2, RTE, WNLI → accuracy. Values are fractions (not ×100).
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';
import { glueTask, type GlueTaskName, type GlueTaskSpec } from '../tasks.js';
import { accuracy, f1Binary } from './classification.js';
import { pearson, spearman } from './correlation.js';
import { matthewsCorrelation } from './matthews.js';

export interface GlueTaskResult {
  task: GlueTaskName;
  /** The task's single GLUE score. */
  score: number;
  /** Every metric computed, by name: matthews, accuracy, f1, pearson, spearman. */
  metrics: Record<string, number>;
  /** Number of examples scored. */
  count: number;
}

/** Scores `predictions` (class ids, or STS-B scores) against `labels` for `task`. */
export function glueMetric(
  task: string | GlueTaskSpec,
  predictions: readonly number[],
  labels: readonly number[],
): GlueTaskResult {
  const spec = typeof task === 'string' ? glueTask(task) : task;
  const unlabeled = labels.indexOf(-1);
  if (!spec.regression && unlabeled >= 0) {
    throw new FishTuningError(`label ${unlabeled} is -1: test splits of ${spec.displayName} are unlabeled`, { option: 'labels' });
  }
  let metrics: Record<string, number>;
  let score: number;
  switch (spec.metric) {
    case 'matthews':
      metrics = { matthews: matthewsCorrelation(predictions, labels) };
      score = metrics.matthews;
      break;
    case 'pearson_spearman':
      metrics = { pearson: pearson(predictions, labels), spearman: spearman(predictions, labels) };
      score = (metrics.pearson + metrics.spearman) / 2;
      break;
    case 'accuracy_f1':
      metrics = { accuracy: accuracy(predictions, labels), f1: f1Binary(predictions, labels) };
      score = (metrics.accuracy + metrics.f1) / 2;
      break;
    case 'accuracy':
      metrics = { accuracy: accuracy(predictions, labels) };
      score = metrics.accuracy;
      break;
  }
  return { task: spec.name, score, metrics, count: labels.length };
}

/** Unweighted mean of the task scores (the "Avg." column of the paper's GLUE table). */
export function glueAverage(results: readonly GlueTaskResult[]): number {
  if (results.length === 0) throw new FishTuningError('no task results to average', { option: 'results' });
  const seen = new Set<string>();
  for (const r of results) {
    if (seen.has(r.task)) throw new FishTuningError(`task '${r.task}' appears twice`, { option: 'results' });
    seen.add(r.task);
  }
  return results.reduce((s, r) => s + r.score, 0) / results.length;
}
