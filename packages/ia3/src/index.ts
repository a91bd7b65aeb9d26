/** @module @fish-tuning/ia3 */
export {};
