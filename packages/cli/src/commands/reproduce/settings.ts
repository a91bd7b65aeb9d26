/**
 * The paper's hyper-parameters (Table 12, Appendix D) as the defaults of every protocol, resolved per task
 * (classification vs generation), plus the overrides the user gave on the command line.
 * @module
 */
import type { CellSettings } from './cell.js';

/** Table 12, classification column. Patience is ours: the paper says "early stop: yes" without a patience. */
export const TABLE12_CLASSIFICATION: CellSettings = {
  epochs: 400,
  batchSize: 32,
  gradAccumulation: 1,
  lr: 5e-5,
  lrWnli: 5e-6,
  schedule: 'linear',
  warmupRatio: 0,
  patience: 10,
  weightDecay: 0.01,
  fisherSamples: 128,
  init: 'pissa',
  loraDropout: 0,
  virtualTokens: 30,
  trainLimit: null,
  evalLimit: null,
  evalEvery: 'epoch',
  maxTokens: 1024,
};

/** Table 12, generation column (GSM8K): batch 4 × accumulation 4, lr 2e-5, 10 epochs, no early stop, 3 % warm-up, cosine. */
export const TABLE12_GENERATION: CellSettings = {
  ...TABLE12_CLASSIFICATION,
  epochs: 10,
  batchSize: 4,
  gradAccumulation: 4,
  lr: 2e-5,
  lrWnli: 2e-5,
  schedule: 'cosine',
  warmupRatio: 0.03,
  patience: null,
  fisherSamples: 256,
  maxTokens: 4096,
};

/** Defaults for `task`, with `overrides` (flags the user gave) on top. */
export function settingsFor(task: string, overrides: Partial<CellSettings>): CellSettings {
  return { ...(task === 'gsm8k' ? TABLE12_GENERATION : TABLE12_CLASSIFICATION), ...overrides };
}

/** The learning rate a cell of `task` uses (Table 12: WNLI has its own). */
export function lrFor(task: string, s: CellSettings): number {
  return task === 'wnli' ? s.lrWnli : s.lr;
}

/** Settings as a table for the output (so every run shows what it used). */
export function describeSettings(s: CellSettings): [string, string][] {
  return [
    ['epochs (early stop)', `${s.epochs}${s.patience === null ? ' (none)' : ` (patience ${s.patience})`}, evaluated ${s.evalEvery === 'end' ? 'once at the end' : 'every epoch'}`],
    ['batch size × accumulation', `${s.batchSize} × ${s.gradAccumulation}`],
    ['learning rate', `${s.lr} (WNLI ${s.lrWnli}), ${s.schedule}, warm-up ${s.warmupRatio}`],
    ['optimizer', `AdamW, weight decay ${s.weightDecay}`],
    ['FISH mask samples', String(s.fisherSamples)],
    ['LoRA init / dropout / alpha', `${s.init} / ${s.loraDropout} / 2·rank`],
    ['prefix length', String(s.virtualTokens)],
    ['train rows / validation rows', `${s.trainLimit ?? 'all'} / ${s.evalLimit ?? 'all'}`],
    ['max tokens per micro-batch', String(s.maxTokens)],
  ];
}
