/** @module @fish-tuning/test-utils */
export {};
