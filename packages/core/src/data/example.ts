/**
 * The one in-memory form of a tokenized example, shared by the dataset packages, Fisher, the trainer
 * and the CLI (Hugging Face conventions, camelCase).
 * @module
 */

/** Label value of positions the loss ignores (PyTorch's `ignore_index`, Hugging Face's convention). */
export const IGNORE_INDEX = -100;

/**
 * One tokenized example. `labels`: token ids aligned with `inputIds` for a causal LM (shifted inside the
 * model, {@link IGNORE_INDEX} ignored), one class id for classification, one float for regression;
 * absent for prediction only.
 */
export interface Example {
  inputIds: readonly number[];
  /** 1 for real tokens, 0 for padding; default all ones. */
  attentionMask?: readonly number[];
  /** BERT segment ids; default all zeros. */
  tokenTypeIds?: readonly number[];
  labels?: readonly number[] | number;
}

/** Real length of an example (its attention mask's ones, or all of inputIds). */
export function exampleLength(e: Example): number {
  if (!e.attentionMask) return e.inputIds.length;
  let n = 0;
  for (const v of e.attentionMask) n += v ? 1 : 0;
  return n;
}
