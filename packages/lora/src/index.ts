/** @module @fish-tuning/lora */
export {};
