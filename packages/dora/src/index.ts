/** @module @fish-tuning/dora */
export {};
