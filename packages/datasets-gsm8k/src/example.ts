/**
 * The in-memory form of one GSM8K problem.
 * @module
 */

export type Gsm8kSplit = 'train' | 'test';

export interface Gsm8kExample {
  /** Row number within the split file (0-based). */
  idx: number;
  question: string;
  /** Worked solution with `<<a*b=c>>` calculator annotations, ending in `#### N`. */
  answer: string;
}
