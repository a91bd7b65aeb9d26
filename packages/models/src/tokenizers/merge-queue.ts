/**
 * BPE merging in O(n log n), as SentencePiece's bpe_model.cc does it: the symbols form a linked list
 * and a binary heap holds every adjacent pair that has a merged piece, best score first and leftmost
 * first on ties. A popped pair whose symbols have changed since it was pushed is stale and skipped.
 * This gives exactly the result of llama2.c's run.c loop (merge the best-scoring adjacent pair,
 * leftmost on ties, until none merges), without its rescan of the whole sequence after every merge.
 * @module
 */

/** One candidate merge: the left symbol's index, the right one's, their versions and the result. */
interface Candidate {
  score: number;
  left: number;
  right: number;
  leftVersion: number;
  rightVersion: number;
  merged: number;
}

/** Max-heap on score; on equal scores, the smaller left index (leftmost) comes first. */
class CandidateHeap {
  private readonly items: Candidate[] = [];

  get size(): number {
    return this.items.length;
  }

  private before(a: Candidate, b: Candidate): boolean {
    return a.score > b.score || (a.score === b.score && a.left < b.left);
  }

  push(c: Candidate): void {
    const items = this.items;
    items.push(c);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): Candidate | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < items.length && this.before(items[l], items[best])) best = l;
        if (r < items.length && this.before(items[r], items[best])) best = r;
        if (best === i) break;
        [items[i], items[best]] = [items[best], items[i]];
        i = best;
      }
    }
    return top;
  }
}

/**
 * Merges `ids` in place of run.c's loop. `mergedId(a, b)` gives the id of the piece a+b or undefined;
 * `score(id)` its score. A pair whose score is NaN or -Infinity never merges: the scan this replaces
 * looked for a score strictly above -Infinity.
 */
export function mergeBestPairs(ids: readonly number[], mergedId: (left: number, right: number) => number | undefined, score: (id: number) => number): number[] {
  const n = ids.length;
  const id = Int32Array.from(ids);
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const version = new Int32Array(n);
  const alive = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1 < n ? i + 1 : -1;
    prev[i] = i - 1;
  }
  const heap = new CandidateHeap();
  const consider = (left: number, right: number) => {
    if (left < 0 || right < 0) return;
    const merged = mergedId(id[left], id[right]);
    if (merged === undefined) return;
    const s = score(merged);
    if (!(s > -Infinity)) return;
    heap.push({ score: s, left, right, leftVersion: version[left], rightVersion: version[right], merged });
  };
  for (let i = 0; i + 1 < n; i++) consider(i, i + 1);
  while (heap.size) {
    const c = heap.pop()!;
    if (!alive[c.left] || !alive[c.right] || next[c.left] !== c.right || version[c.left] !== c.leftVersion || version[c.right] !== c.rightVersion) continue;
    // Merge right into left: left takes the merged id, right leaves the list.
    id[c.left] = c.merged;
    version[c.left]++;
    alive[c.right] = 0;
    const after = next[c.right];
    next[c.left] = after;
    if (after >= 0) prev[after] = c.left;
    consider(prev[c.left], c.left);
    consider(c.left, after);
  }
  const out: number[] = [];
  for (let i = n ? 0 : -1; i >= 0; i = next[i]) out.push(id[i]);
  return out;
}
