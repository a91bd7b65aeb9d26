/** @module @fish-tuning/fisher */
export {};
