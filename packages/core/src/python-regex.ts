/**
 * PEFT matches a string `target_modules` with Python's `re.fullmatch`. Python's syntax is close to
 * JavaScript's but not equal: named groups `(?P<name>…)`, back-references `(?P=name)`, `\A`/`\Z`, a
 * leading `(?i)`-style flag group, `(?#…)` comments and `{,n}` are translated; anything JavaScript still
 * cannot compile is refused with an error naming the option (never an uncaught SyntaxError), and a
 * pattern that would mean something else in JavaScript (verbose mode, scoped flags) is refused too.
 * @module
 */
import { FishTuningError } from './errors.js';

const compiled = new Map<string, RegExp>();

/** Translates Python `re` syntax to a JavaScript source and flags; throws a FishTuningError naming `option`. */
export function translatePythonRegex(pattern: string, option = 'target_modules'): { source: string; flags: string } {
  const refuse = (why: string): never => {
    throw new FishTuningError(`'${pattern}' is a Python regular expression this library cannot run in JavaScript (${why}); PEFT matches it with re.fullmatch — rewrite it, or give a list of module names`, { option });
  };
  let rest = pattern;
  let flags = '';
  const lead = /^\(\?([aiLmsux]+)\)/.exec(rest);
  if (lead) {
    for (const f of lead[1]) {
      if (f === 'x') refuse('verbose mode (?x)');
      if (f === 'L') refuse('locale mode (?L)');
      if ('ims'.includes(f) && !flags.includes(f)) flags += f;
    }
    rest = rest.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '\\') {
      const next = rest[i + 1];
      if (next === undefined) refuse('a trailing backslash');
      if (!inClass && next === 'A') out += '^';
      else if (!inClass && next === 'Z') out += '$';
      else out += c + next;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (rest[i + 1] === '^') out += rest[++i];
      if (rest[i + 1] === ']') {
        out += '\\]'; // a leading ']' is literal in Python, an empty class in JavaScript
        i++;
      }
      continue;
    }
    if (rest.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    const backref = /^\(\?P=(\w+)\)/.exec(rest.slice(i));
    if (backref) {
      out += `\\k<${backref[1]}>`;
      i += backref[0].length - 1;
      continue;
    }
    const comment = /^\(\?#[^)]*\)/.exec(rest.slice(i));
    if (comment) {
      i += comment[0].length - 1;
      continue;
    }
    if (/^\(\?[aiLmsux-]+[:)]/.test(rest.slice(i))) refuse('scoped or mid-pattern flags such as (?i:…)');
    if (c === '{' && rest[i + 1] === ',') {
      out += '{0';
      continue;
    }
    out += c;
  }
  if (inClass) refuse('an unterminated character class');
  return { source: out, flags };
}

/** A JavaScript RegExp that matches a whole string as Python's `re.fullmatch(pattern, s)` does. */
export function pythonFullMatch(pattern: string, option = 'target_modules'): RegExp {
  const key = `${option}\u0000${pattern}`;
  let re = compiled.get(key);
  if (!re) {
    const { source, flags } = translatePythonRegex(pattern, option);
    try {
      re = new RegExp(`^(?:${source})$`, flags);
    } catch (e) {
      throw new FishTuningError(`'${pattern}' is not a regular expression JavaScript can compile (${(e as Error).message.replace(/^Invalid regular expression: /, '')}); PEFT matches it with Python's re.fullmatch`, { option });
    }
    compiled.set(key, re);
  }
  return re;
}
