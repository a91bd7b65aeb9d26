/**
 * Parses the GSM8K JSON Lines files (`{"question", "answer"}` per line).
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';
import type { Gsm8kExample } from './example.js';

/** Every example in the JSONL `text`, in order; `file` names the source in errors. Blank lines are skipped. */
export function parseGsm8kJsonl(text: string, file = '<jsonl>'): Gsm8kExample[] {
  const out: Gsm8kExample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    let row: { question?: unknown; answer?: unknown };
    try {
      row = JSON.parse(lines[i]);
    } catch (e) {
      throw new FishTuningError(`line ${i + 1} is not valid JSON: ${(e as Error).message}`, { file });
    }
    if (typeof row.question !== 'string' || typeof row.answer !== 'string') {
      throw new FishTuningError(`line ${i + 1} lacks string fields 'question' and 'answer'`, { file });
    }
    out.push({ idx: out.length, question: row.question, answer: row.answer });
  }
  return out;
}
