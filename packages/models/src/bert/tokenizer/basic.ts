/**
 * transformers' BasicTokenizer (the step before WordPiece in BertTokenizer): clean control characters,
 * space out CJK ideographs, lowercase and strip accents (uncased models), split on whitespace and
 * punctuation. Python's `unicodedata` categories map to JS Unicode property escapes.
 * @module
 */

export interface BasicTokenizerOptions {
  /** Lowercase (uncased checkpoints); default true as in BertTokenizer. */
  doLowerCase?: boolean;
  /** Strip accents; null/undefined follows doLowerCase (transformers' rule). */
  stripAccents?: boolean | null;
  /** Put spaces around CJK ideographs; default true. */
  tokenizeChineseChars?: boolean;
}

const CONTROL = /^\p{C}$/u;
const SPACE = /^\p{Zs}$/u;
const PUNCT = /^\p{P}$/u;
const MARK = /\p{Mn}/gu;

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || SPACE.test(ch);
}

function isControl(ch: string): boolean {
  if (ch === '\t' || ch === '\n' || ch === '\r') return false;
  return CONTROL.test(ch);
}

/** ASCII non-alphanumerics count as punctuation too (`$`, `^`, `` ` ``), as in transformers. */
function isPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return PUNCT.test(ch);
}

function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

function stripAccents(text: string): string {
  return text.normalize('NFD').replace(MARK, '');
}

export class BasicTokenizer {
  readonly doLowerCase: boolean;
  readonly stripAccents: boolean | null;
  readonly tokenizeChineseChars: boolean;

  constructor(options: BasicTokenizerOptions = {}) {
    this.doLowerCase = options.doLowerCase ?? true;
    this.stripAccents = options.stripAccents ?? null;
    this.tokenizeChineseChars = options.tokenizeChineseChars ?? true;
  }

  tokenize(text: string): string[] {
    let cleaned = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (cp === 0 || cp === 0xfffd || isControl(ch)) continue;
      if (isWhitespace(ch)) cleaned += ' ';
      else if (this.tokenizeChineseChars && isChineseChar(cp)) cleaned += ` ${ch} `;
      else cleaned += ch;
    }
    const out: string[] = [];
    for (let token of cleaned.normalize('NFC').split(' ')) {
      if (!token) continue;
      if (this.doLowerCase) {
        token = token.toLowerCase();
        if (this.stripAccents !== false) token = stripAccents(token);
      } else if (this.stripAccents) token = stripAccents(token);
      out.push(...splitOnPunctuation(token));
    }
    return out;
  }
}

function splitOnPunctuation(token: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const ch of token) {
    if (isPunctuation(ch)) {
      if (current) out.push(current);
      out.push(ch);
      current = '';
    } else current += ch;
  }
  if (current) out.push(current);
  return out;
}
