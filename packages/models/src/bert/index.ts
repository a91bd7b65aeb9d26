/** @module BERT encoder (owned by the bert work). */
export {};
