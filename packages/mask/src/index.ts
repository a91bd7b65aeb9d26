/** @module @fish-tuning/mask */
export {};
