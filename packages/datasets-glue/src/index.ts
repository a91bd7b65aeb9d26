/**
 * GLUE tasks (CoLA, SST-2, MRPC, STS-B, RTE, WNLI): task specs, parsers for JSONL, Parquet and GLUE
 * TSV text, encoder and decoder tokenization, length-bucketed batching, and the GLUE metrics.
 * Browser-safe; file loading and downloads live in `@fish-tuning/datasets-glue/node`.
 * @module @fish-tuning/datasets-glue
 */
export { GLUE_TASKS, GLUE_TASK_NAMES, glueTask } from './tasks.js';
export type { GlueTaskName, GlueTaskSpec, GlueMetricKind } from './tasks.js';
export type { GlueExample, GlueSplit } from './example.js';
export type { GlueFormat } from './example.js';
export { parseGlueJsonl } from './io/jsonl.js';
export { parseGlueParquet } from './io/parquet.js';
export { parseGlueTsv } from './io/tsv.js';
export { encodeForEncoder } from './encode/encoder.js';
export type { EncoderFeatures, EncodeForEncoderOptions } from './encode/encoder.js';
export { IGNORE_INDEX } from '@fish-tuning/core';
export { encodeForDecoder } from './encode/decoder.js';
export type { DecoderFeatures, EncodeForDecoderOptions } from './encode/decoder.js';
export { GLUE_DECODER_TEMPLATES, glueAnswerText, parseGlueAnswer, renderGluePrompt } from './encode/templates.js';
export type { GlueDecoderTemplate } from './encode/templates.js';
export { longestFirstLengths, truncateLongestFirst } from './encode/truncate.js';
export { padBatch } from './encode/pad.js';
export type { PadBatchOptions, PaddableFeatures, PaddedBatch } from './encode/pad.js';
export { bucketBatches } from './encode/bucket.js';
export type { BucketBatchesOptions } from './encode/bucket.js';
export { accuracy, f1Binary } from './metrics/classification.js';
export { matthewsCorrelation } from './metrics/matthews.js';
export { averageRanks, pearson, spearman } from './metrics/correlation.js';
export { glueAverage, glueMetric } from './metrics/glue-metric.js';
export type { GlueTaskResult } from './metrics/glue-metric.js';
