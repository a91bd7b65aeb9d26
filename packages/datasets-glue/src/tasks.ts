/**
 * The six GLUE tasks this package supports: names, Hugging Face column keys, label names in HF
 * ClassLabel order, and the maximum sequence length used for each task in the FISH-Tuning paper.
 * @module
 */
import { FishTuningError, ownEntry } from '@fish-tuning/core';

export type GlueTaskName = 'cola' | 'sst2' | 'mrpc' | 'stsb' | 'rte' | 'wnli';

/** Which metrics make up a task's GLUE score. */
export type GlueMetricKind = 'matthews' | 'accuracy' | 'accuracy_f1' | 'pearson_spearman';

export interface GlueTaskSpec {
  readonly name: GlueTaskName;
  /** Name as printed in the GLUE paper and leaderboard. */
  readonly displayName: string;
  /** Directory of the original GLUE download (`glue_data/<dir>`). */
  readonly glueDir: string;
  /** Hugging Face `glue` column names of the text fields, in order (one or two). */
  readonly sentenceKeys: readonly [string] | readonly [string, string];
  /** Label names indexed by label id (HF ClassLabel order); empty for regression. */
  readonly labelNames: readonly string[];
  /** True for STS-B: labels are float similarity scores in [0, 5]. */
  readonly regression: boolean;
  /** Number of model outputs: classes, or 1 for regression. */
  readonly numLabels: number;
  /** Maximum sequence length (tokens incl. special tokens) from the paper. */
  readonly maxLength: number;
  readonly metric: GlueMetricKind;
}

function spec(s: Omit<GlueTaskSpec, 'numLabels'>): GlueTaskSpec {
  return Object.freeze({ ...s, numLabels: s.regression ? 1 : s.labelNames.length });
}

/** Every supported task, keyed by its canonical (HF) name. */
export const GLUE_TASKS: Readonly<Record<GlueTaskName, GlueTaskSpec>> = Object.freeze({
  cola: spec({
    name: 'cola',
    displayName: 'CoLA',
    glueDir: 'CoLA',
    sentenceKeys: ['sentence'],
    labelNames: ['unacceptable', 'acceptable'],
    regression: false,
    maxLength: 128,
    metric: 'matthews',
  }),
  sst2: spec({
    name: 'sst2',
    displayName: 'SST-2',
    glueDir: 'SST-2',
    sentenceKeys: ['sentence'],
    labelNames: ['negative', 'positive'],
    regression: false,
    maxLength: 128,
    metric: 'accuracy',
  }),
  mrpc: spec({
    name: 'mrpc',
    displayName: 'MRPC',
    glueDir: 'MRPC',
    sentenceKeys: ['sentence1', 'sentence2'],
    labelNames: ['not_equivalent', 'equivalent'],
    regression: false,
    maxLength: 128,
    metric: 'accuracy_f1',
  }),
  stsb: spec({
    name: 'stsb',
    displayName: 'STS-B',
    glueDir: 'STS-B',
    sentenceKeys: ['sentence1', 'sentence2'],
    labelNames: [],
    regression: true,
    maxLength: 256,
    metric: 'pearson_spearman',
  }),
  rte: spec({
    name: 'rte',
    displayName: 'RTE',
    glueDir: 'RTE',
    sentenceKeys: ['sentence1', 'sentence2'],
    labelNames: ['entailment', 'not_entailment'],
    regression: false,
    maxLength: 384,
    metric: 'accuracy',
  }),
  wnli: spec({
    name: 'wnli',
    displayName: 'WNLI',
    glueDir: 'WNLI',
    sentenceKeys: ['sentence1', 'sentence2'],
    labelNames: ['not_entailment', 'entailment'],
    regression: false,
    maxLength: 128,
    metric: 'accuracy',
  }),
});

/** Canonical task names, in GLUE leaderboard order. */
export const GLUE_TASK_NAMES: readonly GlueTaskName[] = Object.freeze(['cola', 'sst2', 'mrpc', 'stsb', 'rte', 'wnli']);

/**
 * The spec of a task. Accepts the HF name (`sst2`), the GLUE name (`SST-2`) and a `glue/` prefix
 * (`glue/sst2`, as the CLI writes it), case-insensitively.
 */
export function glueTask(name: string): GlueTaskSpec {
  const key = name
    .trim()
    .toLowerCase()
    .replace(/^glue[/:]/, '')
    .replace(/[-_\s]/g, '');
  const found = ownEntry(GLUE_TASKS as Record<string, GlueTaskSpec>, key);
  if (!found) {
    throw new FishTuningError(`unknown GLUE task '${name}'; expected one of ${GLUE_TASK_NAMES.join(', ')}`, {
      option: 'task',
    });
  }
  return found;
}
