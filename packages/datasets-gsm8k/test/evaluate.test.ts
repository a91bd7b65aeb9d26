import { describe, expect, it } from 'vitest';
import { applyStopRules, createStopChecker, evaluateGsm8k, referenceAnswer, type GenerateFn } from '../src/index.js';
import { loadGsm8k } from '../src/node-entry.js';
import { gsm8kDir, hasData, wordTokenizer } from './helpers.js';

const EOS = 2;

describe('stop rules', () => {
  const tok = wordTokenizer();
  it('cut at EOS, or at the earliest stop string', () => {
    const ids = tok.encode('It is 5.\n#### 5\n\nQuestion: next one #### 7');
    expect(applyStopRules(ids, tok, { strings: ['\n\nQuestion:'], eosId: EOS })).toEqual({ text: 'It is 5.\n#### 5', stoppedBy: '\n\nQuestion:' });
    const withEos = [...tok.encode('#### 5'), EOS, ...tok.encode(' junk 9')];
    expect(applyStopRules(withEos, tok, { strings: ['Question:'], eosId: EOS })).toEqual({ text: '#### 5', stoppedBy: 'eos' });
    expect(applyStopRules(tok.encode('#### 5'), tok, { strings: [], eosId: EOS }).stoppedBy).toBe('length');
  });

  it('createStopChecker fires on EOS and on a completed stop string', () => {
    const stop = createStopChecker(tok, { strings: ['\n\nQuestion:'], eosId: EOS });
    const ids = tok.encode('#### 5\n\nQuestion:');
    const firedAt = ids.findIndex((_, i) => stop(ids.slice(0, i + 1)));
    expect(firedAt).toBe(ids.length - 1);
    expect(stop([...tok.encode('#### 5'), EOS])).toBe(true);
    expect(stop([])).toBe(false);
  });
});

describe.skipIf(!hasData)('evaluateGsm8k with a scripted model', () => {
  it('an oracle scores 1, with stop strings and EOS applied; --limit 20', async () => {
    const tok = wordTokenizer();
    const examples = await loadGsm8k({ split: 'test', dataDir: gsm8kDir });
    const byPrompt = new Map<string, string>();
    const calls: { maxNewTokens: number; strings: readonly string[]; eosId?: number }[] = [];
    for (const ex of examples.slice(0, 20)) byPrompt.set(ex.question, ex.answer);
    const generate: GenerateFn = async (promptIds, { maxNewTokens, stop }) => {
      calls.push({ maxNewTokens, strings: stop.strings, eosId: stop.eosId });
      const prompt = tok.decode(promptIds, { skipSpecialTokens: true });
      const question = prompt.slice('Question: '.length, -'\nAnswer:'.length);
      // Keeps talking past the answer, as a base model would.
      return tok.encode(' ' + byPrompt.get(question) + '\n\nQuestion: Tom has 3 apples...\nAnswer: #### 3');
    };
    const seen: number[] = [];
    const res = await evaluateGsm8k({ examples, tokenizer: tok, generate, limit: 20, onResult: (_, i) => seen.push(i) });
    expect(res).toMatchObject({ total: 20, correct: 20, accuracy: 1 });
    expect(seen).toEqual([...Array(20).keys()]);
    expect(res.results[0]).toMatchObject({ idx: 0, predicted: 18, reference: 18, correct: true, stoppedBy: '\n\nQuestion:' });
    expect(calls[0]).toEqual({ maxNewTokens: 256, strings: ['\n\nQuestion:', 'Question:'], eosId: EOS });
  });

  it('wrong or numberless generations score 0; "The answer is" works in 8-shot CoT', async () => {
    const tok = wordTokenizer();
    const examples = await loadGsm8k({ split: 'test', dataDir: gsm8kDir, limit: 4 });
    const wrong = await evaluateGsm8k({ examples, tokenizer: tok, generate: async () => tok.encode(' I do not know.'), template: 'cot', fewShot: 8 });
    expect(wrong).toMatchObject({ correct: 0, total: 4, accuracy: 0 });
    expect(wrong.results[0].predicted).toBeUndefined();
    let i = 0;
    const cot: GenerateFn = async () => tok.encode(` Some steps. The answer is ${referenceAnswer(examples[i++])}.\n\nQ: more`);
    const right = await evaluateGsm8k({ examples, tokenizer: tok, generate: cot, template: 'cot', fewShot: 8, maxNewTokens: 64 });
    expect(right.accuracy).toBe(1);
  });
});
