/**
 * One cell of an experiment grid = one training run (Fisher → mask → masked training → evaluation), and
 * what it measured. The grid runner, the protocols and the report only see these types and the
 * {@link RunCell} seam, so the training pipeline behind it can be swapped without touching them.
 * @module
 */

/** How the trainable PEFT entries are chosen: all of them (the original method), or a FISH-Tuning mask. */
export type Selection = 'dense' | 'fish' | 'random' | 'reverse' | 'lori';
export const SELECTIONS: readonly Selection[] = ['dense', 'fish', 'random', 'reverse', 'lori'];

/** Training hyper-parameters shared by every cell of a grid (defaults: the paper's Table 12). */
export interface CellSettings {
  epochs: number;
  batchSize: number;
  gradAccumulation: number;
  /** Peak learning rate; `lrWnli` replaces it on WNLI (the paper uses 5e-6 there). */
  lr: number;
  lrWnli: number;
  schedule: 'linear' | 'cosine' | 'constant';
  warmupRatio: number;
  /** Early stopping after this many epochs without improvement (null: never). */
  patience: number | null;
  weightDecay: number;
  fisherSamples: number;
  /** LoRA/DoRA init (the paper: PiSSA). */
  init: 'pissa' | 'default' | 'gaussian';
  loraDropout: number;
  /** Prefix length of prefix-tuning / UniPELT (the paper: 30). */
  virtualTokens: number;
  /** First n training rows (null: all), first n validation rows (null: all). */
  trainLimit: number | null;
  evalLimit: number | null;
  /** Evaluate after every epoch (early stopping, per-epoch curves) or once at the end. */
  evalEvery: 'epoch' | 'end';
  /** Largest padded micro-batch (tokens); larger batches are accumulated. */
  maxTokens: number;
}

export interface Cell {
  /** Stable key in results.json, e.g. `masks/sst2/lora/fish/1%/s42`. */
  id: string;
  protocol: string;
  /** GLUE task name (sst2, cola, …) or 'gsm8k'. */
  task: string;
  method: string;
  selection: Selection;
  /** 'all' or 'top:n'. */
  layers: string;
  /** LoRA/DoRA rank (method default when absent). */
  rank?: number;
  /** Fraction of the PEFT entries to train (Ratio2), for masked selections. */
  ratio?: number;
  /** Train as many entries as the dense method has on these layers (fixed-ratio protocol). */
  countLike?: { layers: string };
  seed: number;
  /** Row label of the table this cell belongs to (e.g. 'top:2', '1%'). */
  row: string;
}

export interface EpochScore {
  epoch: number;
  /** The task's score (GLUE metric ×100; GSM8K: exact-match accuracy ×100, or -eval loss when unscored). */
  score: number;
  evalLoss: number;
}

export interface CellResult {
  /** Best score over the evaluations (the early-stopping metric), ×100. */
  score: number;
  /** Every metric of the best evaluation (GLUE parts, eval_loss). */
  metrics: Record<string, number>;
  perEpoch: EpochScore[];
  /** Trained PEFT entries and all PEFT entries of the adapter (Ratio2 = trainable / total). */
  trainable: number;
  total: number;
  /** All parameters of the model (Ratio1 = trainable / modelParameters). */
  modelParameters: number;
  steps: number;
  /** Mean training time per epoch (s), the sum of the optimizer steps' times. */
  secondsPerEpoch: number;
  /** Largest tensor memory seen during training (bytes), and the backend heap where readable. */
  peakTensorBytes: number;
  peakHeapBytes: number | null;
  optimizerStateBytes: number;
  wallSeconds: number;
}

export interface CellProgress {
  phase: 'load' | 'fisher' | 'train' | 'eval';
  step?: number;
  totalSteps?: number;
}

/** The seam: runs one cell. Implementations must not keep state between cells except through `cache`. */
export type RunCell = (cell: Cell, settings: CellSettings, context: CellContext) => Promise<CellResult>;

export interface CellContext {
  model: string;
  dataDir?: string;
  /** Scratch directory for this cell (checkpoints, logs); may be deleted afterwards. */
  workDir: string;
  /** Reusable values between cells of one process (tokenized data, Fisher scores), keyed by the caller. */
  cache: Map<string, unknown>;
  onProgress?: (p: CellProgress) => void;
  log?: (line: string) => void;
}

/** Percent label of a ratio, e.g. 0.005 → '0.5%'. */
export function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(6))}%`;
}
