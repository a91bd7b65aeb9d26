/** @module @fish-tuning/adapter */
export {};
