/**
 * The llama2.c tokenizer's encode before the priority-queue merge: rescan every adjacent pair after each
 * merge (run.c's loop). Kept as the oracle of the queue test and the baseline of the merge benchmark.
 * @module
 */
import type { Llama2cTokenizer } from '../src/index.js';

/** The previous implementation: rescan every adjacent pair after each merge (run.c's loop). */
export function scanEncode(tok: Llama2cTokenizer, text: string): number[] {
  if (text.length === 0) return [];
  const utf8 = new TextEncoder();
  const bin = (bytes: Uint8Array) => String.fromCharCode(...bytes);
  const lookup = new Map<string, number>();
  tok.pieces.forEach((p, i) => {
    if (!lookup.has(p)) lookup.set(p, i);
  });
  const byteId = (b: number) => {
    const id = lookup.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    return id ?? tok.unkId;
  };
  const ids: number[] = [];
  for (const ch of ' ' + text) {
    const bytes = utf8.encode(ch);
    const id = lookup.get(bin(bytes));
    if (id !== undefined) ids.push(id);
    else for (const b of bytes) ids.push(byteId(b));
  }
  for (;;) {
    let bestScore = -Infinity;
    let bestId = -1;
    let bestAt = -1;
    for (let i = 0; i + 1 < ids.length; i++) {
      const id = lookup.get(tok.pieces[ids[i]] + tok.pieces[ids[i + 1]]);
      if (id !== undefined && tok.scores[id] > bestScore) {
        bestScore = tok.scores[id];
        bestId = id;
        bestAt = i;
      }
    }
    if (bestAt < 0) break;
    ids.splice(bestAt, 2, bestId);
  }
  return ids;
}
