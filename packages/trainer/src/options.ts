/**
 * What {@link train} takes and returns.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Example, PeftAdapter, PeftTargetModel, TrainableParameter } from '@fish-tuning/core';
import type { ScheduleName } from './schedule.js';
import type { EvalRecord } from './state.js';
import type { TrainStorage } from './storage.js';
import type { ActivationStore } from './activation-cache.js';

export type OptimizerName = 'adamw' | 'sgd';
export const OPTIMIZERS: readonly OptimizerName[] = ['adamw', 'sgd'];
export type CacheMode = 'auto' | 'off' | 'memory' | 'disk';
export const CACHE_MODES: readonly CacheMode[] = ['auto', 'off', 'memory', 'disk'];

export interface TrainOptions {
  model: PeftTargetModel;
  /** The PEFT adapter (saved in PEFT format in checkpoints and at the end); optional for bare parameter lists. */
  adapter?: PeftAdapter | null;
  /** What to train; default adapter.trainableParameters() plus model.headParameters(). */
  parameters?: readonly TrainableParameter[];
  /** FISH masks by PEFT name (0/1, parameter's shape); parameters without one train densely. */
  masks?: ReadonlyMap<string, tf.Tensor> | null;
  train: readonly Example[];

  optimizer?: OptimizerName;
  /** Peak learning rate (default 1e-3). */
  lr?: number;
  /** Default 0.01 for AdamW, 0 for SGD. */
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** AdamW moments only for selected entries of masked parameters (default true). */
  sparseState?: boolean;
  schedule?: ScheduleName;
  warmupRatio?: number;

  /** Epochs (default 1) unless maxSteps is given. */
  epochs?: number;
  /** Optimizer updates in total; overrides epochs. */
  maxSteps?: number;
  /** Examples per micro-batch group before accumulation (default 8). */
  batchSize?: number;
  /** Batches accumulated per optimizer update (default 1). */
  gradAccumulation?: number;
  /** Largest padded micro-batch (examples × longest), default 1024 tokens. */
  maxTokensPerMicroBatch?: number;
  /** Global-norm clipping threshold; null/0 disables (default 1.0). */
  clipNorm?: number | null;
  /** Dropout during training (default true). */
  dropout?: boolean;
  /** Seeds data order and dropout (default 0). */
  seed?: number;
  shuffle?: boolean;
  padTokenId?: number;

  /** Validation: returns metrics (e.g. {accuracy: 0.8}); called every evalEvery steps / per epoch and at the end. */
  evaluate?: (info: { step: number; epoch: number }) => Promise<Record<string, number>> | Record<string, number>;
  /** Metric that decides the best checkpoint and early stopping (default: the first key evaluate returns). */
  metric?: string;
  /** Default true (accuracy); false for losses. */
  greaterIsBetter?: boolean;
  /** Steps between evaluations, or 'epoch' (default 'epoch'). */
  evalEvery?: number | 'epoch';
  /** Stop after this many evaluations without improvement (default: never). */
  patience?: number | null;

  /**
   * Where checkpoints, the log, the result and the final adapter go (none: nothing is stored). In Node,
   * `train` from `@fish-tuning/trainer/node` takes `outDir` and makes a directory storage.
   */
  storage?: TrainStorage;
  /** Steps between checkpoints (default: only at the end). */
  checkpointEvery?: number;
  /** Store the masks at the end (default true; the pipeline stores its own with selection metadata). */
  writeMask?: boolean;
  /** Continue from the storage's checkpoint when it has one. */
  resume?: boolean;

  /** Frozen-prefix activation cache (default 'auto': memory when the model and parameters allow it). */
  activationCache?: CacheMode;
  /** Byte budget of the cache (default 1 GiB). */
  cacheMaxBytes?: number;
  /** Makes the store of the 'disk' cache mode (Node: a directory of files, see `@fish-tuning/trainer/node`). */
  diskCache?: (maxBytes: number) => ActivationStore;

  /** Called after every update (progress bars; may throw to abort). */
  onStep?: (record: StepRecord) => void | Promise<void>;
  /** Every log record (also appended to the storage's log). */
  onLog?: (record: LogRecord) => void;
}

export interface StepRecord {
  type: 'step';
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  lr: number;
  gradNorm: number;
  tokens: number;
  tokensPerSecond: number;
  stepMs: number;
  /** tf.memory().numBytes after the step. */
  tensorBytes: number;
  numTensors: number;
  /** The backend's heap (wasm linear memory) when it can be read. */
  heapBytes?: number;
}

export type LogRecord =
  | StepRecord
  | ({ type: 'eval' } & EvalRecord)
  | { type: 'checkpoint'; step: number; dir: string }
  | { type: 'start'; step: number; totalSteps: number; resumed: boolean; cacheLayer: number | null; optimizerStateBytes: number }
  | { type: 'stop'; step: number; reason: string };

export interface TrainResult {
  steps: number;
  totalSteps: number;
  lastLoss: number | null;
  evals: EvalRecord[];
  best: { step: number; metric: string; value: number } | null;
  stoppedEarly: boolean;
  tokens: number;
  optimizerStateBytes: number;
  resumedFrom: number | null;
  /** Frozen-prefix cache: first cached layer, store hits, rows computed, forwardBottom passes, bytes held. */
  cache: { layer: number; hits: number; computed: number; passes: number; bytes: number } | null;
  /** Set when `resume` found a finished run: nothing was trained or written (the other fields are the stored result's). */
  finishedBefore?: true;
}
