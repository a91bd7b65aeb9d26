/**
 * The data path of the library: one example type, one padding/collation, one ignore index.
 * @module
 */
export { IGNORE_INDEX, exampleLength, type Example } from './example.js';
export { padExamples, padRows, type PadOptions, type PaddedExamples, type PaddedRows } from './pad.js';
export { collate, disposeBatch, sliceBatch } from './collate.js';
