import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readAdapterDir } from '@fish-tuning/core/node';
import { hasShared, sharedPath } from '@fish-tuning/test-utils';
import { quickstart } from '../src/quickstart.js';

describe.skipIf(!hasShared('models', 'stories260K'))('README quickstart (FISH-LoRA on stories260K)', () => {
  it('selects exactly 5% of the LoRA entries, lowers the loss, and writes a PEFT adapter', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'quickstart-'));
    const sentences = ['Once upon a time, there was a little fish named Finn.', 'Finn liked to swim in the big blue sea with his friends.'];
    const { losses, selected, candidates } = await quickstart(sharedPath('models', 'stories260K'), sentences, out, 12);
    // stories260K: 5 layers × (q: 4·64 + 64·4, v: 4·64 + 32·4) LoRA entries.
    expect(candidates).toBe(5 * (4 * 64 + 64 * 4 + 4 * 64 + 32 * 4));
    expect(selected).toBe(Math.round(0.05 * candidates));
    expect(losses).toHaveLength(12);
    expect(losses[11]).toBeLessThan(losses[0]);
    const files = await readAdapterDir(out);
    expect(files.config.peft_type).toBe('LORA');
    expect([...files.tensors.keys()]).toContain('base_model.model.model.layers.4.self_attn.v_proj.lora_B.weight');
  });
});
