import { describe, expect, it } from 'vitest';
import { answersMatch, extractAnswer } from '../src/index.js';

// [text, expected value (undefined = no number)]
const CASES: [string, number | undefined][] = [
  ['She makes 9 * 2 = $<<9*2=18>>18 every day.\n#### 18', 18],
  ['#### 1,000', 1000],
  ['#### -5', -5],
  ['#### $1,234.50', 1234.5],
  ['The total is 12, then 7.\n#### 70\n\nQuestion: what about 3?', 70],
  ['So the answer is 42.', 42],
  ['The answer is $18.00.', 18],
  ['The answer is: 7 apples, not 8.', 7],
  ['First 3 then 4. The answer is 5. Then we check 6.', 5],
  ['So she has 8.', 8],
  ['He ends with 5 - 3 = 2', 2],
  ['10-3', 3],
  ['It fell to -12 degrees.', -12],
  ['It costs -$5 net.', -5],
  ['It fell to −4 degrees', -4],
  ['The tank holds 5,000,000 litres.', 5000000],
  ['We get 1,2,3', 3],
  ['items: 8, 9, 10, ', 10],
  ['Half is 0.5', 0.5],
  ['Half is .5 of it', 0.5],
  ['Rate is 12.5%.', 12.5],
  ['3.14.', 3.14],
  ['Total: $ 20', 20],
  ['no digits here', undefined],
  ['####', undefined],
  ['#### none, but earlier 9', 9],
];

describe('extractAnswer', () => {
  for (const [text, expected] of CASES) {
    it(JSON.stringify(text), () => {
      expect(extractAnswer(text)?.value).toBe(expected);
    });
  }

  it('keeps the number as written', () => {
    expect(extractAnswer('#### $1,234.50')?.raw).toBe('$1,234.50');
  });
});

describe('answersMatch', () => {
  it('compares numerically', () => {
    expect(answersMatch(18, 18)).toBe(true);
    expect(answersMatch(extractAnswer('The answer is 18.00')?.value, 18)).toBe(true);
    expect(answersMatch(17.999, 18)).toBe(false);
    expect(answersMatch(undefined, 18)).toBe(false);
    expect(answersMatch(Number.NaN, Number.NaN)).toBe(false);
  });
});
