import { describe, expect, it } from 'vitest';
import { FishTuningError } from '@fish-tuning/core';
import { validateExamples, type ValidationContext } from '../src/data/validate.js';

const lm: ValidationContext = { task: 'causal-lm', vocabSize: 10, file: 'rows.jsonl', lineOf: (i) => i + 3 };
const cls: ValidationContext = { task: 'classification', vocabSize: 10, numLabels: 2, file: 'train.jsonl' };

function refused(rows: Parameters<typeof validateExamples>[0], ctx: ValidationContext): FishTuningError {
  try {
    validateExamples(rows, ctx);
  } catch (e) {
    expect(e).toBeInstanceOf(FishTuningError);
    return e as FishTuningError;
  }
  throw new Error('not refused');
}

describe('validateExamples', () => {
  it('accepts good rows of every task', () => {
    expect(validateExamples([{ inputIds: [1, 2, 3], labels: [1, 2, -100] }], lm)).toBe(1);
    expect(validateExamples([{ inputIds: [1, 2], attentionMask: [1, 0], tokenTypeIds: [0, 1], labels: 1 }], cls)).toBe(1);
    expect(validateExamples([{ inputIds: [1], labels: 2.5 }], { task: 'regression', vocabSize: 10 })).toBe(1);
  });

  const cases: Array<[string, Parameters<typeof validateExamples>[0], ValidationContext, string, RegExp]> = [
    ['token id past the vocabulary', [{ inputIds: [1, 10], labels: [1, 2] }], lm, 'input_ids', /line 3: input_ids\[1\] = 10 is not a token id .*\[0, 10\)/],
    ['negative token id', [{ inputIds: [-1, 2], labels: [1, 2] }], lm, 'input_ids', /input_ids\[0\] = -1/],
    ['non-integer token id', [{ inputIds: [1.5, 2], labels: [1, 2] }], lm, 'input_ids', /input_ids\[0\] = 1\.5/],
    ['empty row', [{ inputIds: [], labels: [] }], lm, 'input_ids', /non-empty/],
    ['token label past the vocabulary', [{ inputIds: [1, 2], labels: [1, 12] }], lm, 'labels', /labels\[1\] = 12 is neither -100/],
    ['negative label other than -100', [{ inputIds: [1, 2], labels: [1, -5] }], lm, 'labels', /labels\[1\] = -5/],
    ['every label ignored', [{ inputIds: [1, 2, 3], labels: [5, -100, -100] }], lm, 'labels', /every label is ignored/],
    ['attention mask value 2', [{ inputIds: [1, 2], attentionMask: [1, 2], labels: 0 }], cls, 'attention_mask', /attention_mask\[1\] = 2; only 0/],
    ['attention mask all zero', [{ inputIds: [1, 2], attentionMask: [0, 0], labels: 0 }], cls, 'attention_mask', /all 0/],
    ['class label past num_labels', [{ inputIds: [1], labels: 2 }], cls, 'label', /class label 2 is outside \[0, 2\) \(the model has 2 labels\)/],
    ['non-integer class label', [{ inputIds: [1], labels: 0.5 }], cls, 'label', /class label 0\.5 is not an integer/],
    ['GLUE test split label -1', [{ inputIds: [1], labels: -1 }], cls, 'label', /label -1 marks an unlabelled row \(a GLUE test split\)/],
    ['missing class label', [{ inputIds: [1] }], cls, 'label', /no label/],
    ['regression label NaN', [{ inputIds: [1], labels: NaN }], { task: 'regression', vocabSize: 10 }, 'label', /regression label null is not a finite number/],
    ['regression label Infinity', [{ inputIds: [1], labels: Infinity }], { task: 'regression', vocabSize: 10 }, 'label', /not a finite number/],
    ['token type outside [0, 2)', [{ inputIds: [1], tokenTypeIds: [2], labels: 0 }], cls, 'token_type_ids', /token_type_ids\[0\] = 2 is outside \[0, 2\)/],
    ['row longer than the model', [{ inputIds: [1, 2, 3], labels: [1, 2, 3] }], { ...lm, maxLength: 2 }, 'input_ids', /3 tokens, more than the model's 2 positions/],
  ];
  for (const [label, rows, ctx, field, message] of cases) {
    it(`refuses ${label}, naming the file, line and field`, () => {
      const e = refused(rows, ctx);
      expect(e.option).toBe(field);
      expect(e.file).toBe(ctx.file);
      expect(e.message).toMatch(message);
      expect(e.message).toMatch(/line \d+:/);
    });
  }
});
