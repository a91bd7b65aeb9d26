import { describe, expect, it } from 'vitest';
import { FishTuningError, matchesTarget } from '@fish-tuning/core';
import { interpreterHas, pyrefPython, pythonBin, pythonHas, runPython } from '@fish-tuning/test-utils';
import { pythonFullMatch } from '../src/python-regex.js';

const PATHS = [
  'model.layers.0.self_attn.q_proj',
  'model.layers.1.self_attn.v_proj',
  'model.layers.11.mlp.down_proj',
  'bert.encoder.layer.3.attention.self.query',
  'bert.encoder.layer.3.attention.output.dense',
  'Model.Layers.2.self_attn.Q_PROJ',
  'lm_head',
];

const PATTERNS = [
  '.*\\.(q_proj|v_proj)',
  '.*\\.(?P<which>q|v)_proj',
  '(?P<a>model)\\.layers\\.\\d+\\.(?P=a)?.*proj',
  '\\Amodel\\.layers\\.(0|1)\\..*\\Z',
  '(?i)model\\.layers\\.\\d+\\.self_attn\\.q_proj',
  '(?#PEFT comment).*query',
  'model\\.layers\\.\\d{,1}\\.self_attn\\..*',
  '.*attention\\.(self|output)\\.[]a-z]+',
  'lm_head',
];

describe('Python regular expressions in target_modules', () => {
  it('match the same module paths as Python re.fullmatch', () => {
    const python = pyrefPython() ?? pythonBin();
    if (!(pyrefPython() ? interpreterHas(python, 're') : pythonHas('re'))) return console.warn('skipped: no python');
    const ref = runPython<boolean[][]>(`import re\nprint(json.dumps([[re.fullmatch(p, s) is not None for s in INPUT["paths"]] for p in INPUT["patterns"]]))`, { paths: PATHS, patterns: PATTERNS }, 60_000, python);
    PATTERNS.forEach((p, i) => expect(PATHS.map((s) => pythonFullMatch(p).test(s)), p).toEqual(ref[i]));
  });

  it('refuse what JavaScript cannot run, naming the option, never a SyntaxError', () => {
    for (const [pattern, why] of [
      ['(?x) model . layers', /verbose mode/],
      ['model(?i:\\.LAYERS)', /scoped or mid-pattern flags/],
      ['model\\.layers\\.(\\d+', /not a regular expression JavaScript can compile/],
      ['[a-z', /unterminated character class/],
    ] as const) {
      let err: unknown;
      try {
        matchesTarget({ target_modules: pattern }, 'model.layers.0.q_proj');
      } catch (e) {
        err = e;
      }
      expect(err, pattern).toBeInstanceOf(FishTuningError);
      expect((err as FishTuningError).option).toBe('target_modules');
      expect((err as Error).message).toMatch(why);
    }
    expect(() => matchesTarget({ target_modules: ['q_proj'], exclude_modules: '(?P<x' }, 'model.layers.0.q_proj')).toThrow(/option 'exclude_modules'/);
  });
});
