/** @module @fish-tuning/trainer */
export {};
