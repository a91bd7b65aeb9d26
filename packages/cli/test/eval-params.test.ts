import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '@fish-tuning/test-utils';
import { cli } from './run.js';


describe('fish-tune params', () => {
  it("prints the paper's BERT-base-cased ratios for rank 1 on query/key/value, top 1–4 layers", async () => {
    const want = ['0.0057', '0.0099', '0.0142', '0.0184'];
    for (let n = 1; n <= 4; n++) {
      const r = await cli(['params', '--model', 'bert-base-cased', '--rank', '1', '--targets', 'query,key,value', '--layers', `top:${n}`, '--json']);
      expect(r.err).toBe('');
      const rep = JSON.parse(r.out);
      expect(rep).toMatchObject({ targets: 3 * n, base: 108_310_272, head: 1538 });
      expect(rep.percent.toFixed(4)).toBe(want[n - 1]);
    }
  });

  it.skipIf(!hasShared('models', 'stories260K'))('counts a llama2.c checkpoint (stories260K: 260,032 parameters)', async () => {
    const r = await cli(['params', '--model', sharedPath('models', 'stories260K'), '--method', 'dora', '--rank', '2', '--targets', 'q_proj,v_proj', '--json']);
    const rep = JSON.parse(r.out);
    // q: 2·(64+64) + 64, v: 2·(64+32) + 32 per layer, 5 layers.
    expect(rep).toMatchObject({ targets: 10, base: 260_032, adapter: 5 * (2 * 128 + 64 + 2 * 96 + 32), head: 0 });
  });

  it('names the bad option', async () => {
    const r = await cli(['params', '--model', 'nope-model', '--json']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/option '--model'/);
  });
});
