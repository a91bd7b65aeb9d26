/**
 * @module @fish-tuning/fisher — per-sample diagonal Fisher information (empirical, Eq. 3 of FISH
 * Mask; expected, Eq. 2) over any PEFT method's named trainable parameters, vectorised through
 * core's per-sample parameter overrides with a per-sample loop as reference and fallback.
 * File helpers for Node live in `@fish-tuning/fisher/node`.
 */
export { computeFisher, type ComputeFisherOptions, type FisherResult, type FisherMethod, type FisherProgress } from './compute.js';
export { fisherTerms, disposeTerms, FISHER_ESTIMATORS, type FisherEstimator, type FisherTerm } from './estimators.js';
export { perSampleGradients, batchGradients, nonFiniteTable, weightedSquareSum } from './gradients.js';
export { exampleData, type FisherData, type ExampleDataOptions } from './data.js';
export { chooseSamples, defaultSampleCount, type SampleOrder } from './sampling.js';
export { fisherMetadata, fisherToBytes, fisherFromBytes, fisherFromDecoded, type FisherMetadata, type FisherScores } from './format.js';
