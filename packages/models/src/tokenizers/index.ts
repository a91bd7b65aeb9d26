/** @module Tokenizers: llama2.c's binary format and Hugging Face tokenizer.json. */
export { Llama2cTokenizer } from './llama2c-tokenizer.js';
export { HfTokenizer } from './hf-tokenizer.js';
export { llama2cToTokenizerJson } from './llama2c-to-hf.js';
