import { describe, expect, it } from 'vitest';
import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fsp } from 'node:fs';
import { readSafetensorsFile } from '@fish-tuning/core/node';
import { computeFisher, exampleData } from '../src/index.js';
import { loadFisher, saveFisher } from '../src/node-entry.js';
import { ToyModel, injectToy, toyExamples } from './toy-model.js';

describe('Fisher file', () => {
  it('writes one F32 tensor per parameter, keyed by PEFT name, same shape, with N/estimator/seed metadata', async () => {
    const model = new ToyModel({ task: 'classification' });
    const params = injectToy(model);
    const data = exampleData(toyExamples('classification', 10), { task: 'classification' });
    const result = await computeFisher(model, params, data, { samples: 6, seed: 11 });
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'fisher-'));
    const file = path.join(dir, 'fisher.safetensors');
    await saveFisher(file, result, { source: 'test' });
    const raw = await readSafetensorsFile(file);
    expect([...raw.tensors.keys()].sort()).toEqual(params.map((p) => p.name).sort());
    for (const p of params) {
      const t = raw.tensors.get(p.name)!;
      expect(t.dtype).toBe('F32');
      expect(t.shape).toEqual(p.variable.shape);
      expect(Array.from(t.data)).toEqual(Array.from(await result.scores.get(p.name)!.data()));
    }
    expect(raw.metadata).toMatchObject({ fish_kind: 'fisher', samples: '6', estimator: 'empirical', seed: '11', order: 'random', source: 'test' });
    const loaded = await loadFisher(file);
    expect(loaded.scores.size).toBe(params.length);
    result.dispose();
    model.dispose();
    await fsp.rm(dir, { recursive: true });
  });
});
