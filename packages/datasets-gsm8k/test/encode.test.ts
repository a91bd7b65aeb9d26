import { describe, expect, it } from 'vitest';
import {
  GSM8K_COT_EXEMPLARS,
  GSM8K_TEMPLATES,
  IGNORE_INDEX,
  encodeGsm8k,
  encodeGsm8kPrompt,
  extractAnswer,
  gsm8kPromptText,
  stripCalculatorAnnotations,
} from '../src/index.js';
import { loadGsm8k } from '../src/node-entry.js';
import { gsm8kDir, hasData, wordTokenizer } from './helpers.js';

const labelled = (f: { inputIds: number[]; labels: number[] }) => f.inputIds.filter((_, i) => f.labels[i] !== IGNORE_INDEX);

describe.skipIf(!hasData)('round trip on real GSM8K rows', () => {
  for (const split of ['train', 'test'] as const) {
    it(`${split}: decode(input_ids where labels != -100) is the answer + EOS`, async () => {
      const tok = wordTokenizer();
      const examples = await loadGsm8k({ split, dataDir: gsm8kDir });
      const bad: string[] = [];
      let truncated = 0;
      for (const ex of examples) {
        const f = encodeGsm8k(ex, tok);
        // plain template: the answer follows "Answer:" after one space, the template's answerPrefix.
        const target = ' ' + ex.answer + '</s>';
        const answer = tok.decode(labelled(f));
        const prompt = tok.decode(f.inputIds.slice(0, f.promptLength));
        const ok =
          f.labels.length === f.inputIds.length &&
          f.inputIds.length <= 512 &&
          f.labels.slice(0, f.promptLength).every((l) => l === IGNORE_INDEX) &&
          prompt === '<s>Question: ' + ex.question + '\nAnswer:' &&
          // Rows longer than 512 tokens are cut on the right: the labelled part is then a prefix.
          (f.truncated ? f.inputIds.length === 512 && target.startsWith(answer) : answer === target);
        if (f.truncated) truncated++;
        if (!ok) bad.push(`idx ${ex.idx}`);
      }
      expect(bad).toEqual([]);
      // This fake tokenizer makes a token of every space and punctuation mark, so a few long rows
      // pass 512 tokens; real BPE tokenizers use far fewer.
      expect(truncated / examples.length).toBeLessThan(0.02);
    });
  }

  it('chatml template with stripped calculator annotations', async () => {
    const tok = wordTokenizer();
    const [ex] = await loadGsm8k({ split: 'test', dataDir: gsm8kDir, limit: 1 });
    const f = encodeGsm8k(ex, tok, { template: 'chatml', stripCalculatorAnnotations: true, addBos: false });
    expect(tok.decode(labelled(f))).toBe(stripCalculatorAnnotations(ex.answer) + '</s>');
    expect(tok.decode(labelled(f))).not.toMatch(/<</);
    expect(tok.decode(f.inputIds.slice(0, f.promptLength))).toBe(`<|im_start|>user\n${ex.question}<|im_end|>\n<|im_start|>assistant\n`);
  });
});

describe('encodeGsm8k', () => {
  const ex = { idx: 0, question: 'What is 2 + 3?', answer: 'It is 2 + 3 = <<2+3=5>>5.\n#### 5' };

  it('truncates on the right and flags it', () => {
    const tok = wordTokenizer();
    const f = encodeGsm8k(ex, tok, { maxLength: 12 });
    expect(f.truncated).toBe(true);
    expect(f.inputIds).toHaveLength(12);
    expect(f.labels).toHaveLength(12);
  });

  it('without EOS or BOS when asked', () => {
    const tok = wordTokenizer();
    const f = encodeGsm8k(ex, tok, { addBos: false, addEos: false });
    expect(f.inputIds[0]).not.toBe(tok.bosId);
    expect(tok.decode(labelled(f))).toBe(' ' + ex.answer);
  });

  it('names bad options', () => {
    const tok = { ...wordTokenizer(), eosId: undefined };
    expect(() => encodeGsm8k(ex, tok, { addEos: true })).toThrow(/option 'addEos'/);
    expect(() => encodeGsm8k(ex, wordTokenizer(), { template: 'vicuna' })).toThrow(/option 'template'.*unknown GSM8K template 'vicuna'/);
    expect(() => encodeGsm8k(ex, wordTokenizer(), { fewShot: 9 })).toThrow(/option 'fewShot'/);
  });
});

describe('few-shot prompt', () => {
  it('has the eight Wei et al. exemplars in order, each ending in "The answer is N."', () => {
    expect(GSM8K_COT_EXEMPLARS).toHaveLength(8);
    expect(GSM8K_COT_EXEMPLARS[0].question.startsWith('There are 15 trees in the grove.')).toBe(true);
    expect(GSM8K_COT_EXEMPLARS.map((e) => extractAnswer(e.answer)?.value)).toEqual([6, 5, 39, 8, 9, 29, 33, 8]);
  });

  it('renders Q:/A: shots then the question', () => {
    const text = gsm8kPromptText('How many?', { template: 'cot', fewShot: 8 });
    expect(text.startsWith('Q: There are 15 trees in the grove.')).toBe(true);
    expect(text.endsWith('The answer is 8.\n\nQ: How many?\nA:')).toBe(true);
    expect(text.split('\n\nQ: ')).toHaveLength(9);
  });

  it('few-shot prefix is never labelled', () => {
    const tok = wordTokenizer();
    const ex = { idx: 0, question: 'q?', answer: '#### 1' };
    const f = encodeGsm8k(ex, tok, { fewShot: 2, maxLength: 4096 });
    expect(tok.decode(labelled(f))).toBe(' #### 1</s>');
    expect(encodeGsm8kPrompt('q?', tok, { fewShot: 2 })).toEqual(f.inputIds.slice(0, f.promptLength));
    expect(GSM8K_TEMPLATES.plain.stop).toContain('\n\nQuestion:');
  });
});
