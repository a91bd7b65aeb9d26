/**
 * A strict JSON reader for file headers. `JSON.parse` hides two things a header check needs: repeated
 * keys (the last one silently wins) and how a number was written (`2.0` and `2` parse the same, while
 * the reference safetensors library accepts only integer literals for shapes and offsets). This reader
 * rejects repeated keys and returns integer literals as `bigint` (exact past 2^53) and every other
 * number as `number`. Objects come back as null-prototype records, so no key resolves to a prototype
 * member.
 * @module
 */

export type StrictJson = null | boolean | string | number | bigint | StrictJson[] | { [key: string]: StrictJson };

export class StrictJsonError extends Error {}

/**
 * Parses `text`; throws StrictJsonError with the character offset on bad syntax, trailing characters
 * or a repeated key. `allowRepeatedKeys(path)` may permit repeats inside one object (last one wins).
 */
export function parseStrictJson(text: string, allowRepeatedKeys: (path: readonly string[]) => boolean = () => false): StrictJson {
  let at = 0;
  const fail = (what: string): never => {
    throw new StrictJsonError(`${what} at character ${at}`);
  };
  const skipSpace = () => {
    while (at < text.length && (text[at] === ' ' || text[at] === '\t' || text[at] === '\n' || text[at] === '\r')) at++;
  };
  const readString = (): string => {
    const start = at;
    at++; // opening quote
    while (at < text.length && text[at] !== '"') {
      const c = text.charCodeAt(at);
      if (c < 0x20) fail('control character in a string');
      at += text[at] === '\\' ? 2 : 1;
    }
    if (at >= text.length) fail('unterminated string');
    at++;
    try {
      return JSON.parse(text.slice(start, at)) as string;
    } catch {
      return fail('bad escape in a string');
    }
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
  const readValue = (path: string[]): StrictJson => {
    skipSpace();
    const c = text[at];
    if (c === '{') {
      at++;
      const out: { [key: string]: StrictJson } = Object.create(null);
      const seen = new Set<string>();
      skipSpace();
      if (text[at] === '}') {
        at++;
        return out;
      }
      for (;;) {
        skipSpace();
        if (text[at] !== '"') fail('expected a key');
        const key = readString();
        if (seen.has(key) && !allowRepeatedKeys(path)) fail(`repeated key '${key}'`);
        seen.add(key);
        skipSpace();
        if (text[at] !== ':') fail("expected ':'");
        at++;
        out[key] = readValue([...path, key]);
        skipSpace();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] === '}') {
          at++;
          return out;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      at++;
      const out: StrictJson[] = [];
      skipSpace();
      if (text[at] === ']') {
        at++;
        return out;
      }
      for (;;) {
        out.push(readValue([...path, String(out.length)]));
        skipSpace();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] === ']') {
          at++;
          return out;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return readString();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = at;
    const m = NUMBER.exec(text);
    if (!m) return fail('unexpected character');
    at += m[0].length;
    return m[1] === undefined && m[2] === undefined ? BigInt(m[0]) : Number(m[0]);
  };
  const value = readValue([]);
  skipSpace();
  if (at !== text.length) fail('trailing characters');
  return value;
}
