/** @module @fish-tuning/unipelt */
export {};
