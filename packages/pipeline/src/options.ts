/**
 * What {@link fishTune} takes, reports and returns.
 * @module
 */
import type { Example, PeftAdapter, PeftTargetModel } from '@fish-tuning/core';
import type { FisherEstimator, FisherMethod, FisherResult, SampleOrder } from '@fish-tuning/fisher';
import type { Mask, MaskBudget, MaskSelection, ScoreMap } from '@fish-tuning/mask';
import type { StepRecord, TrainOptions, TrainResult } from '@fish-tuning/trainer';

/** How entries are chosen: the FISH top-k by Fisher, the bottom-k ('reverse'), k at random, or all ('none'). */
export type MaskChoice = MaskSelection | 'none';
export const MASK_CHOICES: readonly MaskChoice[] = ['none', 'fish', 'random', 'reverse'];

/** predictions (class ids, or scores for regression) and labels → metrics; the first key decides the best step. */
export type MetricFn = (predictions: number[], labels: number[]) => Record<string, number>;

/** The trainer options fishTune passes through (it sets model, adapter, masks, train data, evaluation and seed itself). */
export type TrainingOptions = Omit<TrainOptions, 'model' | 'adapter' | 'parameters' | 'masks' | 'train' | 'evaluate' | 'seed' | 'resume' | 'writeMask' | 'onStep'>;

export interface FishTuneOptions {
  model: PeftTargetModel;
  /** PEFT method in core's tuner registry: 'lora', 'dora', 'ia3', 'prefix', 'adapter', 'unipelt' (the method package must be imported). */
  method: string;
  /** The method's config in PEFT names (`r`, `lora_alpha`, `target_modules`, `init_lora_weights`, …). */
  config?: Record<string, unknown>;
  /** Training examples (core's {@link Example}, labels required). */
  train: readonly Example[];
  /** Validation examples: evaluated every `training.evalEvery` steps (default per epoch) and at the end. */
  validation?: readonly Example[];
  /**
   * Metric of a classifier or regressor on `validation` (default: accuracy for classification). The
   * metrics are followed by `eval_loss`; the first key decides the best step and early stopping.
   */
  metric?: MetricFn;
  /** Instead of validation/metric: any evaluation (as the trainer's `evaluate`). */
  evaluate?: TrainOptions['evaluate'];

  /** Default 'fish'. */
  mask?: MaskChoice;
  /** Fraction of the FISH candidates' entries to train, in (0, 1]; exactly one of ratio / count unless mask is 'none'. */
  ratio?: number;
  /** Number of entries to train. */
  count?: number;
  /** How k is shared: 'global' (default, the paper), 'per-tensor', 'per-layer'. */
  budget?: MaskBudget;
  fisher?: {
    /** N; default the paper's 128 (classification, regression) or 256 (causal LM), capped at the data size with a note. */
    samples?: number;
    estimator?: FisherEstimator;
    order?: SampleOrder;
    method?: FisherMethod;
    chunkSize?: number;
    /**
     * Scores already estimated for these candidates (a saved fish_fisher.safetensors, or what onFisher gave
     * for another mask of the same seed): the estimate is skipped. Must name every candidate, with its shape.
     */
    scores?: ScoreMap;
  };

  /** Seeds the adapter init, Fisher samples, random masks, data order and dropout (default 0). */
  seed?: number;
  training?: TrainingOptions;
  /** Continue the run in `training.storage` (its checkpoint holds the mask; Fisher is not recomputed). */
  resume?: boolean;

  /** Progress of each phase. */
  onProgress?: (progress: FishTuneProgress) => void | Promise<void>;
  /** Notes and warnings (default: warnings to console.warn, notes dropped). `option` is the option they are about. */
  onMessage?: (message: FishTuneMessage) => void;
  /** The Fisher, before it is freed (e.g. to save it). */
  onFisher?: (fisher: FisherResult) => void | Promise<void>;
  /** The mask, once chosen (e.g. to save it with its metadata). */
  onMask?: (mask: Mask) => void | Promise<void>;
}

export interface FishTuneMessage {
  level: 'note' | 'warning';
  message: string;
  option?: string;
}

export type FishTuneProgress =
  | { phase: 'fisher'; done: number; total: number }
  | { phase: 'mask'; done: 1; total: 1; mask: Mask }
  | { phase: 'train'; done: number; total: number; step: StepRecord }
  | { phase: 'eval'; done: number; total: number; epoch: number; metrics: Record<string, number> };

export interface FishTuneResult {
  /** The trained adapter, injected in the model (the caller disposes it). */
  adapter: PeftAdapter;
  /** The mask trained under (null for 'none' and for a resumed run, whose mask came from the checkpoint). */
  mask: Mask | null;
  /** Fisher samples used (null when no Fisher was computed). */
  fisherSamples: number | null;
  /** The config the adapter was made with (after defaults such as PiSSA under a FISH mask). */
  config: Record<string, unknown>;
  train: TrainResult;
}
