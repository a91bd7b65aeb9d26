import { describe, expect, it } from 'vitest';
import {
  GLUE_DECODER_TEMPLATES,
  IGNORE_INDEX,
  encodeForDecoder,
  encodeForEncoder,
  longestFirstLengths,
  padBatch,
  parseGlueAnswer,
  type GlueExample,
} from '../src/index.js';
import { charTokenizer } from './helpers.js';

const tok = charTokenizer();
const ids = (s: string) => tok.encode(s);
const CLS = 3;
const SEP = 4;

/** Hugging Face's slow-tokenizer loop, one token at a time (the reference). */
function naiveLongestFirst(a: number, b: number, budget: number): [number, number] {
  let x = a;
  let y = b;
  for (let r = a + b - budget; r > 0; r--) {
    if (x > y) x--;
    else y--;
  }
  return [x, y];
}

describe('encodeForEncoder', () => {
  it('single sentence: [CLS] a [SEP], all token types 0', () => {
    const f = encodeForEncoder('sst2', { idx: 7, sentence1: 'abc', label: 1 }, tok);
    expect(f.inputIds).toEqual([CLS, ...ids('abc'), SEP]);
    expect(f.tokenTypeIds).toEqual([0, 0, 0, 0, 0]);
    expect(f.attentionMask).toEqual([1, 1, 1, 1, 1]);
    expect(f).toMatchObject({ idx: 7, labels: 1 });
  });

  it('pair: [CLS] a [SEP] b [SEP], token types 0 through the first SEP, then 1', () => {
    const f = encodeForEncoder('rte', { idx: 0, sentence1: 'ab', sentence2: 'xyz', label: 0 }, tok);
    expect(f.inputIds).toEqual([CLS, ...ids('ab'), SEP, ...ids('xyz'), SEP]);
    expect(f.tokenTypeIds).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('truncates longest-first to maxLength and pads to it', () => {
    const ex: GlueExample = { idx: 0, sentence1: 'aaaaaaaa', sentence2: 'bbb', label: 1 };
    const f = encodeForEncoder('mrpc', ex, tok, { maxLength: 10 });
    // budget 7 = 10 − 3 specials: a shrinks from 8 until a + b = 7 → a 4, b 3
    expect(f.inputIds).toEqual([CLS, ...ids('aaaa'), SEP, ...ids('bbb'), SEP]);
    const p = encodeForEncoder('mrpc', { ...ex, sentence1: 'aa' }, tok, { maxLength: 12, padding: 'max_length' });
    expect(p.inputIds).toEqual([CLS, ...ids('aa'), SEP, ...ids('bbb'), SEP, 0, 0, 0, 0]);
    expect(p.attentionMask).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
    expect(p.tokenTypeIds).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]);
  });

  it('uses the paper maximum length by default', () => {
    const long = 'x'.repeat(1000);
    expect(encodeForEncoder('rte', { idx: 0, sentence1: long, sentence2: long, label: 0 }, tok).inputIds).toHaveLength(384);
    expect(encodeForEncoder('sst2', { idx: 0, sentence1: long, label: 0 }, tok).inputIds).toHaveLength(128);
  });

  it('longestFirstLengths equals the one-token-at-a-time loop', () => {
    const mismatches: string[] = [];
    for (let a = 0; a < 14; a++) for (let b = 0; b < 14; b++) for (let budget = 0; budget < 30; budget++) {
      const got = longestFirstLengths(a, b, budget);
      const want = naiveLongestFirst(a, b, budget);
      if (got[0] !== want[0] || got[1] !== want[1]) mismatches.push(`${a},${b},${budget}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('names the missing tokenizer id', () => {
    const noCls = { ...tok, clsId: undefined };
    expect(() => encodeForEncoder('sst2', { idx: 0, sentence1: 'a', label: 0 }, noCls)).toThrow(/option 'tokenizer.clsId'/);
  });
});

describe('encodeForDecoder', () => {
  const ex: GlueExample = { idx: 3, sentence1: 'great film', label: 1 };

  it('prompt labelled -100, answer word and EOS labelled with their ids', () => {
    const f = encodeForDecoder('sst2', ex, tok);
    const prompt = GLUE_DECODER_TEMPLATES.sst2.prompt.replace('{sentence1}', 'great film');
    expect(f.inputIds).toEqual([1, ...ids(prompt), ...ids(' positive'), 2]);
    expect(f.promptLength).toBe(1 + prompt.length);
    expect(f.labels.slice(0, f.promptLength).every((l) => l === IGNORE_INDEX)).toBe(true);
    const answerIds = f.inputIds.filter((_, i) => f.labels[i] !== IGNORE_INDEX);
    expect(tok.decode(answerIds)).toBe(' positive</s>');
    expect(f.labels.slice(f.promptLength)).toEqual(answerIds);
  });

  it('STS-B answers with the score, RTE maps label 0 to "yes"', () => {
    const s = encodeForDecoder('stsb', { idx: 0, sentence1: 'a', sentence2: 'b', label: 3.8 }, tok);
    expect(tok.decode(s.labels.filter((l) => l !== IGNORE_INDEX))).toBe(' 3.8</s>');
    const r = encodeForDecoder('rte', { idx: 0, sentence1: 'a', sentence2: 'b', label: 0 }, tok);
    expect(tok.decode(r.labels.filter((l) => l !== IGNORE_INDEX))).toBe(' yes</s>');
  });

  it('prompt only for unlabeled examples', () => {
    const f = encodeForDecoder('sst2', { ...ex, label: -1 }, tok);
    expect(f.labels.every((l) => l === IGNORE_INDEX)).toBe(true);
    expect(tok.decode(f.inputIds, { skipSpecialTokens: true }).endsWith('Answer:')).toBe(true);
  });

  it('truncation shortens only the sentences, never the template or answer', () => {
    const long: GlueExample = { idx: 0, sentence1: 'p'.repeat(500), sentence2: 'h'.repeat(20), label: 1 };
    const f = encodeForDecoder('rte', long, tok);
    expect(f.inputIds).toHaveLength(384);
    const text = tok.decode(f.inputIds);
    expect(text.endsWith('\nHypothesis: ' + 'h'.repeat(20) + '\nQuestion: Does the premise entail the hypothesis? Answer yes or no.\nAnswer: no</s>')).toBe(true);
  });

  it('parseGlueAnswer maps generations back to label ids', () => {
    expect(parseGlueAnswer(GLUE_DECODER_TEMPLATES.sst2, ' Positive.', false)).toBe(1);
    expect(parseGlueAnswer(GLUE_DECODER_TEMPLATES.rte, ' no, because', false)).toBe(1);
    expect(parseGlueAnswer(GLUE_DECODER_TEMPLATES.stsb, ' 4.25 out of 5', true)).toBe(4.25);
    expect(parseGlueAnswer(GLUE_DECODER_TEMPLATES.cola, ' maybe', false)).toBeNaN();
  });
});

describe('padBatch', () => {
  it('pads ids with padId, masks and token types with 0, labels with -100', () => {
    const a = encodeForDecoder('sst2', { idx: 0, sentence1: 'a', label: 0 }, tok);
    const b = encodeForDecoder('sst2', { idx: 1, sentence1: 'abcd', label: 1 }, tok);
    const batch = padBatch([a, b], { padId: 0 });
    expect(batch.length).toBe(b.inputIds.length);
    expect(batch.inputIds[0].slice(a.inputIds.length)).toEqual([0, 0, 0, 0, 0, 0].slice(0, batch.length - a.inputIds.length));
    expect(batch.labels?.[0].slice(a.inputIds.length).every((l) => l === IGNORE_INDEX)).toBe(true);
    expect(batch.attentionMask[0].reduce((s, v) => s + v, 0)).toBe(a.inputIds.length);
    expect(batch.tokenTypeIds).toBeUndefined();
    expect(() => padBatch([a, b], { padId: 0, padTo: 3 })).toThrow(/option 'padTo'/);
  });
});
