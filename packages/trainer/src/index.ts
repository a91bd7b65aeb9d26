/**
 * @module @fish-tuning/trainer — masked AdamW/SGD training with sparse optimizer state, learning-rate
 * schedules, micro-batching, a frozen-prefix activation cache, early stopping and exact resume.
 */
export { train, evaluateLoss, NonFiniteError } from './train.js';
export { OPTIMIZERS, CACHE_MODES, type TrainOptions, type TrainResult, type StepRecord, type LogRecord, type OptimizerName, type CacheMode } from './options.js';
export { MaskedAdamW, type AdamWOptions } from './adamw.js';
export { MaskedSGD, type SgdOptions } from './sgd.js';
export type { Optimizer } from './optimizer.js';
export { maskParameters, type OptimizedParameter, type MaskedParameter } from './masked-parameter.js';
export { learningRateSchedule, warmupSteps, SCHEDULES, type ScheduleName, type ScheduleOptions } from './schedule.js';
export { collate, disposeBatch, epochOrder, microBatches, exampleLength, type TrainExample } from './batching.js';
export { clipScale } from './gradients.js';
export {
  FrozenPrefixCache,
  MemoryActivationStore,
  DiskActivationStore,
  frozenPrefixLayer,
  type ActivationStore,
} from './activation-cache.js';
export {
  writeCheckpoint,
  readCheckpoint,
  findCheckpoint,
  writeMaskFile,
  TRAINABLE_NAME,
  OPTIMIZER_NAME,
  TRAINER_STATE_NAME,
  type TrainerState,
  type EvalRecord,
  type CheckpointContents,
  type LoadedCheckpoint,
} from './checkpoint.js';
