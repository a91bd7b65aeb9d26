/**
 * Shared argument checks for the metric functions.
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';

/** Throws unless `predictions` and `labels` are non-empty, of equal length and all finite. */
export function checkPairs(predictions: readonly number[], labels: readonly number[], where: string): void {
  if (predictions.length !== labels.length) {
    throw new FishTuningError(`${where}: ${predictions.length} predictions but ${labels.length} labels`, { option: 'predictions' });
  }
  if (labels.length === 0) throw new FishTuningError(`${where}: no examples`, { option: 'labels' });
  const badP = predictions.findIndex((v) => !Number.isFinite(v));
  if (badP >= 0) throw new FishTuningError(`${where}: prediction ${badP} is ${predictions[badP]}`, { option: 'predictions' });
  const badL = labels.findIndex((v) => !Number.isFinite(v));
  if (badL >= 0) throw new FishTuningError(`${where}: label ${badL} is ${labels[badL]}`, { option: 'labels' });
}
