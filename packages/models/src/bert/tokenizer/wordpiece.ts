/**
 * WordPiece: greedy longest-match-first over a word's code points, continuation pieces prefixed `##`;
 * a word with an unmatchable part, or longer than `maxInputCharsPerWord`, becomes the unknown token.
 * @module
 */

export class WordPiece {
  constructor(
    readonly vocab: ReadonlyMap<string, number>,
    readonly unkToken = '[UNK]',
    readonly maxInputCharsPerWord = 100,
  ) {}

  tokenize(word: string): string[] {
    const chars = Array.from(word);
    if (chars.length > this.maxInputCharsPerWord) return [this.unkToken];
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: string | null = null;
      while (start < end) {
        const piece = (start > 0 ? '##' : '') + chars.slice(start, end).join('');
        if (this.vocab.has(piece)) {
          found = piece;
          break;
        }
        end--;
      }
      if (found === null) return [this.unkToken];
      pieces.push(found);
      start = end;
    }
    return pieces;
  }
}
