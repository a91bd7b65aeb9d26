import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readAdapterDir } from '@fish-tuning/core/node';
import { modelCachePath, sharedPath } from '@fish-tuning/test-utils';
import { classify } from '../src/classify.js';

const MODEL = modelCachePath('all-MiniLM-L6-v2');
const DATA = sharedPath('data');
const have = fs.existsSync(path.join(MODEL, 'model.safetensors')) && fs.existsSync(path.join(DATA, 'sst2'));
if (!have) console.warn(`skipped: needs ${MODEL} (pnpm fetch-models) and ${DATA}/sst2`);

describe.skipIf(!have)('examples/classify (MiniLM + DoRA + FISH on an SST-2 slice)', () => {
  it('trains 5% of the DoRA entries, beats the untrained head, and the saved adapter loads back to the same accuracy', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'classify-'));
    const r = await classify({ modelDir: MODEL, dataDir: DATA, outDir: out });
    expect(r.selected).toBe(Math.round(0.05 * r.candidates));
    expect(r.losses).toHaveLength(8);
    expect(r.reloadedAccuracy).toBe(r.accuracy);
    expect(r.accuracy).toBeGreaterThan(r.before);
    const files = await readAdapterDir(out);
    expect(files.config).toMatchObject({ peft_type: 'LORA', use_dora: true, init_lora_weights: 'pissa' });
    fs.rmSync(out, { recursive: true, force: true });
  }, 240_000);
});
