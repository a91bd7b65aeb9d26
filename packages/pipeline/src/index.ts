/**
 * @module @fish-tuning/pipeline — FISH-Tuning in one call: {@link fishTune} runs Fisher → mask →
 * masked training → evaluation over any registered PEFT method, with progress callbacks. Browser-safe;
 * `@fish-tuning/pipeline/node` runs it into a directory (Fisher, mask, checkpoints, adapter, metrics).
 */
export { fishTune } from './fish-tune.js';
export { withFishInit } from './init.js';
export { predict, accuracy, evaluateExamples } from './evaluate.js';
export {
  MASK_CHOICES,
  type MaskChoice,
  type MetricFn,
  type TrainingOptions,
  type FishTuneOptions,
  type FishTuneMessage,
  type FishTuneProgress,
  type FishTuneResult,
} from './options.js';
