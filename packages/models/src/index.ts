/** @module @fish-tuning/models — BERT encoder and Llama-family decoder with checkpoint and tokenizer loading. */
// Re-exports are listed by name inside each family's index; this file only joins them.
export * from './llama/index.js';
export * from './bert/index.js';
export * from './modernbert/index.js';
