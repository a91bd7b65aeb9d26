/**
 * The llama2.c tokenizer (`tokenizer.bin`, `tok512.bin`): SentencePiece BPE pieces with scores and
 * byte fallback, encoded exactly as llama2.c's run.c `encode` does (dummy-prefix space, one piece per
 * UTF-8 character or `<0xNN>` byte pieces, then repeatedly merge the adjacent pair whose merged piece
 * has the highest score, leftmost first on ties — done with a priority queue, see merge-queue.ts).
 *
 * File format: int32 max_token_length, then per token float32 score, int32 length, bytes.
 * Pieces are handled as "binary strings" (one char per byte) so that partial UTF-8 pieces work.
 * @module
 */
import { FishTuningError, type TextTokenizer } from '@fish-tuning/core';
import { mergeBestPairs } from './merge-queue.js';

const utf8 = new TextEncoder();

function toBinary(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

export class Llama2cTokenizer implements TextTokenizer {
  readonly unkId = 0;
  readonly bosId = 1;
  readonly eosId = 2;
  private readonly lookup = new Map<string, number>();
  /** Id of the byte-fallback piece `<0xNN>` for each byte, or -1. */
  private readonly byteIds = new Int32Array(256).fill(-1);
  /** Byte value of each id that is a byte-fallback piece, or -1. */
  private readonly byteOf: Int32Array;

  constructor(
    /** Pieces as binary strings (one char per byte). */
    readonly pieces: readonly string[],
    readonly scores: Float32Array,
    readonly maxTokenLength = Math.max(...pieces.map((p) => p.length)),
  ) {
    this.byteOf = new Int32Array(pieces.length).fill(-1);
    pieces.forEach((p, id) => {
      // First occurrence wins, as run.c's bsearch over a sorted vocabulary finds one of them.
      if (!this.lookup.has(p)) this.lookup.set(p, id);
      const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(p);
      if (m) {
        const byte = parseInt(m[1], 16);
        this.byteOf[id] = byte;
        if (this.byteIds[byte] < 0) this.byteIds[byte] = id;
      }
    });
  }

  /** Parses a llama2.c tokenizer file; the vocabulary size is the number of entries in it. */
  static fromBytes(bytes: Uint8Array, file = '<bytes>'): Llama2cTokenizer {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 4) throw new FishTuningError(`truncated tokenizer: ${bytes.length} bytes`, { file, option: 'max_token_length' });
    const maxTokenLength = view.getInt32(0, true);
    const pieces: string[] = [];
    const scores: number[] = [];
    let at = 4;
    while (at < bytes.length) {
      if (at + 8 > bytes.length) throw new FishTuningError(`truncated entry for token ${pieces.length} at byte ${at}`, { file, option: `vocab[${pieces.length}]` });
      const score = view.getFloat32(at, true);
      const len = view.getInt32(at + 4, true);
      if (len < 0 || at + 8 + len > bytes.length) {
        throw new FishTuningError(`token ${pieces.length} has length ${len}, running past the end (${bytes.length} bytes)`, { file, option: `vocab[${pieces.length}]` });
      }
      pieces.push(toBinary(bytes.subarray(at + 8, at + 8 + len)));
      scores.push(score);
      at += 8 + len;
    }
    if (pieces.length < 3) throw new FishTuningError(`only ${pieces.length} tokens`, { file, option: 'vocab_size' });
    return new Llama2cTokenizer(pieces, Float32Array.from(scores), maxTokenLength);
  }

  /** The tokenizer file bytes (round trip of {@link fromBytes}). */
  toBytes(): Uint8Array {
    const size = 4 + this.pieces.reduce((n, p) => n + 8 + p.length, 0);
    const out = new Uint8Array(size);
    const view = new DataView(out.buffer);
    view.setInt32(0, this.maxTokenLength, true);
    let at = 4;
    this.pieces.forEach((p, i) => {
      view.setFloat32(at, this.scores[i], true);
      view.setInt32(at + 4, p.length, true);
      for (let k = 0; k < p.length; k++) out[at + 8 + k] = p.charCodeAt(k);
      at += 8 + p.length;
    });
    return out;
  }

  get vocabSize(): number {
    return this.pieces.length;
  }

  /** Id of a piece given as text (UTF-8), or undefined. */
  pieceId(text: string): number | undefined {
    return this.lookup.get(toBinary(utf8.encode(text)));
  }

  /** Ids of `text` with the dummy-prefix space, no BOS/EOS (run.c `encode(text, bos=0, eos=0)`). */
  encode(text: string): number[] {
    if (text.length === 0) return [];
    const ids: number[] = [];
    for (const ch of ' ' + text) {
      const bytes = utf8.encode(ch);
      const id = this.lookup.get(toBinary(bytes));
      if (id !== undefined) ids.push(id);
      else for (const b of bytes) ids.push(this.byteIds[b] >= 0 ? this.byteIds[b] : this.unkId);
    }
    // The best-scoring adjacent pair merges first, leftmost on ties (run.c's rule), via a priority
    // queue: a 200k-character line takes well under a second instead of hours.
    return mergeBestPairs(ids, (a, b) => this.lookup.get(this.pieces[a] + this.pieces[b]), (merged) => this.scores[merged]);
  }

  /** Raw bytes of one piece: `<0xNN>` → that byte, others → their bytes. */
  pieceBytes(id: number): number[] {
    if (this.byteOf[id] >= 0) return [this.byteOf[id]];
    const p = this.pieces[id];
    const out: number[] = [];
    for (let k = 0; k < p.length; k++) out.push(p.charCodeAt(k));
    return out;
  }

  /**
   * Text of `ids`. As run.c prints it, the leading space of a piece is dropped when only special
   * tokens (BOS) precede it, which also undoes the dummy prefix of {@link encode}. Special tokens
   * (<unk>, <s>, </s>) are skipped by default.
   */
  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    const skip = options.skipSpecialTokens ?? true;
    const bytes: number[] = [];
    let atStart = true;
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= this.pieces.length) throw new FishTuningError(`token id ${id} is outside the vocabulary [0, ${this.pieces.length})`, { option: 'ids' });
      const special = id === this.bosId || id === this.eosId || id === this.unkId;
      if (special) {
        if (!skip) bytes.push(...this.pieceBytes(id));
        continue;
      }
      let piece = this.pieceBytes(id);
      if (atStart && this.byteOf[id] < 0 && piece[0] === 0x20) piece = piece.slice(1);
      atStart = false;
      bytes.push(...piece);
    }
    return new TextDecoder().decode(Uint8Array.from(bytes));
  }
}
