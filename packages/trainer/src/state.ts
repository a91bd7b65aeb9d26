/**
 * What a training checkpoint holds, independent of where it is stored: the trainer state (step, RNG,
 * evaluations, early-stopping counters) and the tensors that resume needs. File layout and atomic
 * writes are the Node entry's (`@fish-tuning/trainer/node`).
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { DecodedTensor, PeftAdapter, RngState } from '@fish-tuning/core';

export const TRAINABLE_NAME = 'trainable.safetensors';
export const OPTIMIZER_NAME = 'optimizer.safetensors';
export const TRAINER_STATE_NAME = 'trainer_state.json';
export const TRAINER_STATE_FORMAT = 'fish-tuning-trainer-state';

export interface EvalRecord {
  step: number;
  epoch: number;
  metrics: Record<string, number>;
}

export interface TrainerState {
  format: typeof TRAINER_STATE_FORMAT;
  version: 1;
  /** Optimizer updates done; the data position is derived from it (epoch = ⌊step / stepsPerEpoch⌋). */
  step: number;
  totalSteps: number;
  stepsPerEpoch: number;
  seed: number;
  /** Dropout RNG state (core Rng.state()). */
  rng: RngState;
  optimizer: { kind: string; updates: number; sparseState: boolean };
  evals: EvalRecord[];
  best: { step: number; metric: string; value: number } | null;
  /** Evaluations since the best one (early stopping). */
  badEvals: number;
  /** Tokens seen so far. */
  tokens: number;
  /** Set when early stopping ended the run (a resume then does not train further). */
  stoppedEarly?: boolean;
}

export interface CheckpointContents {
  state: TrainerState;
  trainable: Map<string, tf.Tensor>;
  optimizer: Map<string, tf.Tensor>;
  masks?: ReadonlyMap<string, tf.Tensor> | null;
  adapter?: PeftAdapter | null;
}

export interface LoadedCheckpoint {
  /** Where it was read from (named in errors). */
  dir: string;
  state: TrainerState;
  trainable: Map<string, DecodedTensor>;
  optimizer: Map<string, DecodedTensor>;
  masks: Map<string, DecodedTensor> | null;
}
