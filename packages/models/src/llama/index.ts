/** @module Llama-family decoder (owned by the llama work). */
export {};
