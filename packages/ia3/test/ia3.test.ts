import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { countParameters, Linear, withParamOverrides } from '@fish-tuning/core';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { saveAdapter } from '@fish-tuning/core/node';
import { loadLlama2c } from '@fish-tuning/models';
import { expectAllClose, hasShared, pythonHas, runPython, sharedPath } from '@fish-tuning/test-utils';
import { LLAMA2C_REFERENCE, PEFT_LOAD } from '../../prefix/test/reference.js';
import { ia3Config, injectIa3, Ia3Layer, ia3ParameterCount, mergeIa3, mergeIa3Layer, unmergeIa3, unmergeIa3Layer } from '../src/index.js';
import { loadIa3Adapter } from '../src/node.js';
import { smallBatch, smallModel } from './small-models.js';
import { checkMaskedTraining, checkPerSample, checkSaveLoad, randomise } from '@fish-tuning/test-utils/conformance';


describe('ia3Config', () => {
  it('resolves the paper placement to explicit paths per family', () => {
    const llama = smallModel('llama');
    const c = ia3Config({ layers: 'top:2' }, llama);
    expect(c.target_modules).toEqual(['model.layers.1.self_attn.k_proj', 'model.layers.1.self_attn.v_proj', 'model.layers.1.mlp.down_proj', 'model.layers.2.self_attn.k_proj', 'model.layers.2.self_attn.v_proj', 'model.layers.2.mlp.down_proj']);
    expect(c.feedforward_modules).toEqual(['model.layers.1.mlp.down_proj', 'model.layers.2.mlp.down_proj']);
    const bert = ia3Config({}, smallModel('bert'));
    expect((bert.target_modules as string[]).filter((p) => p.includes('attention.output'))).toEqual([]);
    expect(bert.feedforward_modules).toEqual([0, 1, 2].map((i) => `bert.encoder.layer.${i}.output.dense`));
  });

  it('rejects bad options by name', () => {
    const m = smallModel('llama');
    expect(() => ia3Config({ bogus: 1 } as never, m)).toThrow(/option 'bogus'/);
    expect(() => ia3Config({ target_modules: [] }, m)).toThrow(/option 'target_modules'/);
    expect(() => ia3Config({ target_modules: ['nothing_here'] }, m)).toThrow(/option 'target_modules'/);
    expect(() => ia3Config({ target_modules: ['k_proj'], feedforward_modules: ['down_proj'] }, m)).toThrow(/option 'feedforward_modules'/);
    expect(() => ia3Config({ layers: 'top:9' }, m)).toThrow(/option 'layers'/);
  });
});

describe('Ia3Layer', () => {
  it.skipIf(!pythonHas('numpy'))('matches NumPy for output and input scaling (with bias)', async () => {
    const base = new Linear(tf.randomNormal([5, 3], 0, 1, 'float32', 1) as tf.Tensor2D, tf.randomNormal([3], 0, 1, 'float32', 2) as tf.Tensor1D);
    const x = tf.randomNormal([2, 4, 5], 0, 1, 'float32', 3);
    for (const ff of [false, true]) {
      const layer = new Ia3Layer(base, ff, 'l', false);
      const y = layer.forward(x);
      const ref = runPython<number[]>(
        `import numpy as np
W=np.array(INPUT['w'],dtype=np.float64).reshape(3,5); b=np.array(INPUT['b']); x=np.array(INPUT['x']).reshape(2,4,5); l=np.array(INPUT['l'])
y = (x*l.reshape(1,5))@W.T+b if INPUT['ff'] else (x@W.T+b)*l.reshape(3)
print(json.dumps(y.ravel().tolist()))`,
        { w: Array.from(await base.weight().data()), b: Array.from(await base.bias!.data()), x: Array.from(await x.data()), l: Array.from(await layer.ia3_l.data()), ff },
      );
      expectAllClose(await y.data(), ref, 1e-5, 1e-5, `ia3 ff=${ff}`);
      layer.ia3_l.dispose();
    }
  });

  it('merges into the base weight and unmerges', async () => {
    for (const ff of [false, true]) {
      const base = new Linear(tf.randomNormal([5, 3], 0, 1, 'float32', 1) as tf.Tensor2D, tf.randomNormal([3], 0, 1, 'float32', 2) as tf.Tensor1D);
      const w0 = await base.kernel.data();
      const layer = new Ia3Layer(base, ff, 'l', false);
      const x = tf.randomNormal([2, 5], 0, 1, 'float32', 3);
      const y = await layer.forward(x).data();
      mergeIa3Layer(layer);
      expectAllClose(await layer.forward(x).data(), y, 1e-5, 1e-5, 'merged');
      expectAllClose(await base.forward(x).data(), y, 1e-5, 1e-5, 'merged base');
      unmergeIa3Layer(layer);
      expectAllClose(await base.kernel.data(), w0, 1e-5, 1e-6, 'unmerged weight');
    }
  });
});

describe.each(['llama', 'bert'] as const)('(IA)^3 on a %s-shaped model', (family) => {
  it('leaves the output exactly unchanged at init (all ones)', async () => {
    const m = smallModel(family);
    const before = await m.logits(smallBatch(family)).data();
    const adapter = injectIa3(m, ia3Config({}, m));
    expect(adapter.trainableParameters().every((p) => p.fishCandidate && p.role === 'ia3_l')).toBe(true);
    const after = await m.logits(smallBatch(family)).data();
    expect(Array.from(after)).toEqual(Array.from(before));
    adapter.dispose();
    expect(Array.from(await m.logits(smallBatch(family)).data())).toEqual(Array.from(before));
  });

  it('names tensors as PEFT and counts parameters from dims', () => {
    const m = smallModel(family);
    const adapter = injectIa3(m, ia3Config({ layers: 'top:2' }, m));
    const names = adapter.trainableParameters().map((p) => p.name);
    expect(names[0]).toBe(`base_model.model.${m.layerPath(1)}.${family === 'llama' ? 'self_attn.k_proj' : 'attention.self.key'}.ia3_l`);
    const ff = adapter.trainableParameters().find((p) => p.module.endsWith(family === 'llama' ? 'mlp.down_proj' : '.output.dense'))!;
    expect(ff.variable.shape).toEqual([1, m.dims.intermediateSize]);
    expect(countParameters(adapter.trainableParameters())).toBe(ia3ParameterCount(m.dims, 2));
  });

  it('per-sample views equal the shared forward and give per-sample gradients', async () => {
    const m = smallModel(family);
    const adapter = injectIa3(m, ia3Config({}, m));
    randomise(adapter, 3, 0.3, 1);
    await checkPerSample(m, adapter, smallBatch(family));
  });

  it('masked SGD changes only selected entries', async () => {
    const m = smallModel(family);
    const adapter = injectIa3(m, ia3Config({}, m));
    await checkMaskedTraining(m, adapter, smallBatch(family));
  });

  it('save → load is bit-identical', async () => {
    const m = smallModel(family);
    const adapter = injectIa3(m, ia3Config({ layers: 'top:2' }, m));
    randomise(adapter, 9, 0.3, 1);
    const { reloaded } = await checkSaveLoad(adapter, smallBatch(family), smallModel(family), loadIa3Adapter);
    expect(reloaded.targetedModules).toEqual(adapter.targetedModules);
  });
});

it('forward passes (shared and per-sample) leave no tensors behind', () => {
  const m = smallModel('llama');
  const adapter = injectIa3(m, ia3Config({}, m));
  const batch = smallBatch('llama');
  const copies = adapter.trainableParameters().map((p) => tf.stack([p.variable, p.variable, p.variable]));
  const table = new Map(adapter.trainableParameters().map((p, i) => [p.variable, copies[i]]));
  const n = tf.memory().numTensors;
  tf.dispose(m.logits(batch));
  tf.dispose(withParamOverrides(table, () => m.logits(batch)));
  expect(tf.memory().numTensors).toBe(n);
  adapter.dispose();
});

describe.skipIf(!hasShared('models', 'stories260K') || !pythonHas('torch'))('stories260K with a PEFT (IA)^3 directory', () => {
  it('logits and loss match an independent PyTorch forward (≤1e-4)', async () => {
    const dir = sharedPath('models', 'stories260K');
    const { model } = await loadLlama2c(dir);
    // Random vectors (init_ia3_weights=false) so that every scaling is visible in the output.
    const adapter = injectIa3(model, ia3Config({ init_ia3_weights: false }, model));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ia3-260k-'));
    await saveAdapter(out, adapter);
    const ids = [[1, 403, 407, 261, 378, 237, 300], [1, 60, 70, 80, 90, 100, 110]];
    const inputIds = tf.tensor2d(ids, [2, 7], 'int32');
    const ref = runPython<{ logits: number[]; loss: number[] }>(LLAMA2C_REFERENCE, { bin: path.join(dir, 'stories260K.bin'), adapter_dir: out, ids });
    expectAllClose(await model.logits({ inputIds }).data(), ref.logits, 1e-4, 1e-4, 'logits');
    if (pythonHas('peft', 'transformers')) {
      // Python PEFT itself loads the directory (explicit target paths, feedforward_modules) onto an HF Llama.
      const peft = runPython<{ logits: number[]; peft_type: string }>(PEFT_LOAD, { bin: path.join(dir, 'stories260K.bin'), adapter_dir: out, ids });
      expect(peft.peft_type).toContain('IA3');
      expectAllClose(await model.logits({ inputIds }).data(), peft.logits, 1e-4, 1e-4, 'logits vs Python PEFT');
    } else console.warn('skipping the Python PEFT load check: python lacks peft/transformers (set FISH_PYTHON)');
    mergeIa3(adapter);
    expectAllClose(await model.logits({ inputIds }).data(), ref.logits, 1e-4, 1e-4, 'merged logits');
    unmergeIa3(adapter);
    expectAllClose(await model.perExampleLoss({ inputIds, labels: tf.tensor2d(ids, [2, 7], 'int32') }).data(), ref.loss, 1e-4, 1e-4, 'loss');
    adapter.dispose();
    model.dispose();
  });
});

describe('tuner', () => {
  it('registers only on request and loads through the tuner; a wrong peft_type names the file', async () => {
    const { getTuner, registeredTuners } = await import('@fish-tuning/core');
    const { ia3Tuner, registerIa3 } = await import('../src/index.js');
    expect(registeredTuners()).not.toContain('ia3');
    registerIa3();
    expect(getTuner('ia3')).toBe(ia3Tuner);
    const m = smallModel('llama');
    expect(() => ia3Tuner.fromJson({ peft_type: 'LORA' }, m, '/x/adapter_config.json')).toThrow(/file '\/x\/adapter_config.json'.*peft_type/);
    const a = injectIa3(m, ia3Config({}, m));
    const tensors = new Map([[a.trainableParameters()[0].name, { shape: [3], data: new Float32Array(3), dtype: 'F32' as const }]]);
    expect(() => a.loadStateDict(tensors as never, 'w.safetensors')).toThrow(/file 'w.safetensors', tensor '.*k_proj.ia3_l'.*shape/);
  });
});
