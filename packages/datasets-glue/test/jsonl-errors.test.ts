import { describe, expect, it } from 'vitest';
import { glueTask, parseGlueJsonl } from '../src/index.js';

describe('parseGlueJsonl errors', () => {
  const sst2 = glueTask('sst2');
  // Blank lines are skipped, so the fourth line holds the second row (row 1).
  const text = ['{"sentence":"good","label":1,"idx":0}', '', '', '{"sentence":"bad","label":"x","idx":1}'].join('\n');

  it('names the file, the line (which differs from the row after blank lines) and the column', () => {
    expect(() => parseGlueJsonl(sst2, text, 'train.jsonl')).toThrow(/train\.jsonl.*line 4 \(row 1\).*column 'label'|line 4 \(row 1\).*column 'label'.*train\.jsonl/);
  });

  it('names the line of invalid JSON', () => {
    expect(() => parseGlueJsonl(sst2, '{"sentence":"a","label":0}\n\n{oops', 'v.jsonl')).toThrow(/line 3 is not valid JSON/);
  });

  it('reads the rows around blank lines', () => {
    const rows = parseGlueJsonl(sst2, '{"sentence":"a","label":0,"idx":7}\n\n{"sentence":"b","label":1,"idx":8}\n', 'ok.jsonl');
    expect(rows.map((r) => [r.idx, r.sentence1, r.label])).toEqual([[7, 'a', 0], [8, 'b', 1]]);
  });
});
