import { describe, expect, it } from 'vitest';
import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fsp } from 'node:fs';
import { readSafetensorsFile, writeSafetensorsFile } from '@fish-tuning/core/node';
import { selectMask, validateMask } from '../src/index.js';
import { loadMask, saveMask } from '../src/node-entry.js';

const scores = new Map([
  ['base_model.model.layers.0.q.lora_A.weight', { shape: [4, 16], data: Float32Array.from({ length: 64 }, (_, i) => (i * 37) % 11) }],
  ['base_model.model.layers.0.q.lora_B.weight', { shape: [16, 4], data: Float32Array.from({ length: 64 }, (_, i) => (i * 13) % 7) }],
]);

describe('mask files', () => {
  it('round-trips as U8 safetensors (1 byte per entry) with k/ratio/selection/source metadata', async () => {
    const mask = selectMask(scores, { ratio: 0.25, metadata: { source_fisher: 'f.safetensors' } });
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mask-'));
    const file = path.join(dir, 'mask.safetensors');
    await saveMask(file, mask);
    const raw = await readSafetensorsFile(file);
    for (const t of raw.tensors.values()) expect(t.dtype).toBe('U8');
    expect(raw.metadata).toMatchObject({ k: '32', total: '128', ratio: '0.25', selection: 'fish', source_fisher: 'f.safetensors', fish_kind: 'mask' });
    const { size } = await fsp.stat(file);
    const headerLen = Number((await fsp.readFile(file)).readBigUInt64LE(0));
    expect(size - 8 - headerLen).toBe(128);
    const back = await loadMask(file);
    expect(back.k).toBe(32);
    for (const [name, t] of mask.tensors) expect(Array.from(back.tensors.get(name)!.data)).toEqual(Array.from(t.data));
    // A corrupted file: a value 2.
    await writeSafetensorsFile(path.join(dir, 'bad.safetensors'), { x: { shape: [2], data: Uint8Array.of(0, 2), dtype: 'U8' } });
    await expect(loadMask(path.join(dir, 'bad.safetensors'))).rejects.toThrow(/bad.safetensors.*tensor 'x'.*not 0 or 1/);
    await fsp.rm(dir, { recursive: true });
  });

  it('validateMask lists the first mismatches by name and shape', () => {
    const mask = selectMask(scores, { count: 10 });
    const good = [...scores].map(([name, s]) => ({ name, variable: { shape: s.shape }, fishCandidate: true }));
    expect(() => validateMask(mask.tensors, good, 'm.safetensors')).not.toThrow();
    const wrong = [
      { name: 'base_model.model.layers.0.q.lora_A.weight', variable: { shape: [8, 16] }, fishCandidate: true },
      { name: 'base_model.model.layers.0.v.lora_A.weight', variable: { shape: [4, 16] }, fishCandidate: true },
      { name: 'classifier.weight', variable: { shape: [2, 16] }, fishCandidate: false },
    ];
    let err: Error | undefined;
    try {
      validateMask(mask.tensors, wrong, 'm.safetensors');
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toMatch(/file 'm.safetensors', option 'mask'/);
    expect(err?.message).toMatch(/'base_model.model.layers.0.q.lora_A.weight' has shape \[4,16\] but the parameter has \[8,16\]/);
    expect(err?.message).toMatch(/'base_model.model.layers.0.q.lora_B.weight' is not a parameter of the model/);
    expect(err?.message).toMatch(/parameter 'base_model.model.layers.0.v.lora_A.weight' has no mask tensor/);
    expect(err?.message).not.toMatch(/classifier/);
  });
});
