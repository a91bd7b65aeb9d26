/**
 * @module @fish-tuning/trainer — masked AdamW/SGD training with sparse optimizer state, learning-rate
 * schedules, micro-batching, a frozen-prefix activation cache, early stopping and exact resume.
 * Browser-safe: runs are stored through a {@link TrainStorage}; the directory one (checkpoint files,
 * log.jsonl, metrics.json, disk activation cache) lives in `@fish-tuning/trainer/node`.
 */
export { train, evaluateLoss, NonFiniteError } from './train.js';
export { OPTIMIZERS, CACHE_MODES, type TrainOptions, type TrainResult, type StepRecord, type LogRecord, type OptimizerName, type CacheMode } from './options.js';
export { MaskedAdamW, type AdamWOptions } from './adamw.js';
export { MaskedSGD, type SgdOptions } from './sgd.js';
export type { Optimizer } from './optimizer.js';
export { maskParameters, type OptimizedParameter, type MaskedParameter } from './masked-parameter.js';
export { learningRateSchedule, warmupSteps, SCHEDULES, type ScheduleName, type ScheduleOptions } from './schedule.js';
export { epochOrder, microBatches } from './batching.js';
export { clipScale } from './gradients.js';
export { FrozenPrefixCache, MemoryActivationStore, frozenPrefixLayer, type ActivationStore } from './activation-cache.js';
export type { TrainStorage, RunLog } from './storage.js';
export {
  TRAINABLE_NAME,
  OPTIMIZER_NAME,
  TRAINER_STATE_NAME,
  type TrainerState,
  type EvalRecord,
  type CheckpointContents,
  type LoadedCheckpoint,
} from './state.js';
