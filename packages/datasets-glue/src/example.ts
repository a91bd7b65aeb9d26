/**
 * The in-memory form of one GLUE example, the same for every task and every file format.
 * @module
 */

export type GlueSplit = 'train' | 'validation' | 'test';

export interface GlueExample {
  /** Row index within the split (the HF `idx` column; the TSV row number or `index` column). */
  idx: number;
  /** First text field (HF `sentence` for CoLA and SST-2, `sentence1` otherwise). */
  sentence1: string;
  /** Second text field for pair tasks (HF `sentence2`); absent for CoLA and SST-2. */
  sentence2?: string;
  /** Class id in HF order, the STS-B score, or -1 where the split is unlabeled (test). */
  label: number;
}

/** On-disk formats: HF `glue` JSON Lines, HF `glue` Parquet, original GLUE download TSV. */
export type GlueFormat = 'jsonl' | 'parquet' | 'tsv';
