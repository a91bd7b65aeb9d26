/** @module @fish-tuning/prefix */
export {};
