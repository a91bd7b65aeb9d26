/**
 * Node-only loading of the GSM8K JSONL files.
 * @module @fish-tuning/datasets-gsm8k/node
 */
export { GSM8K_SOURCE_URL, loadGsm8k } from './load.js';
export type { LoadGsm8kOptions } from './load.js';
