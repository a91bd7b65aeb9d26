/** @module @fish-tuning/datasets-gsm8k */
export {};
