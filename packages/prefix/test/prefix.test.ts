import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LLAMA2C_REFERENCE, PEFT_LOAD } from './reference.js';
import { describe, expect, it } from 'vitest';
import { countParameters, Rng, type ModelBatch, type PeftTargetModel } from '@fish-tuning/core';
import { saveAdapter } from '@fish-tuning/core/node';
import { createBert, createLlama, loadLlama2c } from '@fish-tuning/models';
import { expectAllClose, hasShared, pythonHas, runPython, sharedPath } from '@fish-tuning/test-utils';
import { injectPrefix, prefixConfig, prefixParameterCount, prefixProjectionParameterCount, PrefixEncoder } from '../src/index.js';
import { loadPrefixAdapter } from '../src/node.js';
import { checkMaskedTraining, checkPerSample, checkSaveLoad } from '@fish-tuning/test-utils/conformance';


const makers: Record<'llama' | 'bert', () => PeftTargetModel> = {
  // GQA (4 heads, 2 kv heads) so that the kv-head rule is exercised.
  llama: () => createLlama({ vocabSize: 40, hiddenSize: 16, intermediateSize: 24, numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2 }, 7, 0.2),
  bert: () => createBert({ vocab_size: 40, hidden_size: 16, intermediate_size: 24, num_hidden_layers: 2, num_attention_heads: 4, max_position_embeddings: 64, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 }, 7, { numLabels: 3 }),
};

function batchFor(family: 'llama' | 'bert'): ModelBatch {
  const inputIds = tf.tensor2d([[1, 5, 9, 3, 7], [2, 4, 6, 8, 10], [11, 12, 13, 0, 0]], [3, 5], 'int32');
  const attentionMask = tf.tensor2d([[1, 1, 1, 1, 1], [1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], [3, 5], 'int32');
  return family === 'llama' ? { inputIds, attentionMask } : { inputIds, attentionMask, labels: tf.tensor1d([0, 2, 1], 'int32') };
}

describe('prefixConfig', () => {
  it('follows PEFT: GQA uses kv heads for token_dim and num_attention_heads', () => {
    const c = prefixConfig({}, makers.llama());
    expect(c).toMatchObject({ peft_type: 'PREFIX_TUNING', num_virtual_tokens: 30, token_dim: 8, num_attention_heads: 2, num_layers: 2, encoder_hidden_size: 8, num_transformer_submodules: 1, prefix_projection: false, task_type: 'CAUSAL_LM' });
    expect(prefixConfig({ num_virtual_tokens: 4 }, makers.bert())).toMatchObject({ token_dim: 16, num_attention_heads: 4, task_type: 'SEQ_CLS' });
  });
  it('rejects bad options by name', () => {
    const m = makers.llama();
    expect(() => prefixConfig({ num_virtual_tokens: 0 }, m)).toThrow(/option 'num_virtual_tokens'.*0/);
    expect(() => prefixConfig({ prefix_projection: 'yes' } as never, m)).toThrow(/option 'prefix_projection'/);
    expect(() => prefixConfig({ layers: 'top:99' }, m)).toThrow(/option 'layers'.*99/);
    expect(() => prefixConfig({ layer: 'top:1' } as never, m)).toThrow(/option 'layer'/);
  });
});

describe('PrefixEncoder', () => {
  it.skipIf(!pythonHas('numpy'))('splits the table as PEFT get_prompt (view → permute → split), projection MLP included', async () => {
    const m = makers.llama();
    for (const projection of [false, true]) {
      const c = prefixConfig({ num_virtual_tokens: 3, prefix_projection: projection, encoder_hidden_size: 5 }, m);
      const enc = new PrefixEncoder(c, new Rng(1));
      const hidden = tf.zeros([2, 4, 16]);
      const got = [0, 1].flatMap((i) => { const p = enc.prefixFor(i, hidden)!; return [p.key, p.value]; });
      const vars = Object.fromEntries(await Promise.all(enc.variables().map(async ([n, v]) => [n, { shape: v.shape, data: Array.from(await v.data()) }])));
      const ref = runPython<number[][]>(
        `import numpy as np
V={k:np.array(v['data']).reshape(v['shape']) for k,v in INPUT['vars'].items()}
if 'prompt_embeddings' in V: pkv=V['prompt_embeddings']
else:
  h=np.tanh(V['prompt_encoder.embedding.weight']@V['prompt_encoder.transform.0.weight'].T+V['prompt_encoder.transform.0.bias'])
  pkv=h@V['prompt_encoder.transform.2.weight'].T+V['prompt_encoder.transform.2.bias']
b,l=2,3
x=np.broadcast_to(pkv,(b,)+pkv.shape).reshape(b,l,2*2,2,4).transpose(2,0,3,1,4)
print(json.dumps([x[j].ravel().tolist() for j in range(4)]))`,
        { vars },
      );
      for (let j = 0; j < 4; j++) expectAllClose(await got[j].data(), ref[j], 1e-5, 1e-5, `block ${j} projection=${projection}`);
      expect(got[0].shape).toEqual([2, 2, 3, 4]);
      enc.dispose();
    }
  });
});

describe.each(['llama', 'bert'] as const)('prefix-tuning on a small %s', (family) => {
  it('attaches to model.prefix, counts parameters from dims, detaches on dispose', async () => {
    const m = makers[family]();
    const b = batchFor(family);
    const before = await m.logits(b).data();
    const adapter = injectPrefix(m, prefixConfig({ num_virtual_tokens: 4 }, m), new Rng(2));
    expect(m.prefix).toBe(adapter.encoder);
    expect(countParameters(adapter.trainableParameters())).toBe(prefixParameterCount(m.dims, 4, m.dims.numLayers));
    expect(adapter.trainableParameters().every((p) => p.fishCandidate)).toBe(true);
    const withPrefix = await m.logits(b).data();
    expect(Array.from(withPrefix)).not.toEqual(Array.from(before));
    adapter.dispose();
    expect(m.prefix).toBeNull();
    expect(Array.from(await m.logits(b).data())).toEqual(Array.from(before));
    const proj = injectPrefix(m, prefixConfig({ num_virtual_tokens: 4, prefix_projection: true, encoder_hidden_size: 6 }, m), new Rng(2));
    expect(countParameters(proj.trainableParameters())).toBe(prefixProjectionParameterCount(m.dims, 4, m.dims.numLayers, 6));
    proj.dispose();
  });

  it.each([false, true])('per-sample views equal the shared forward (projection=%s)', async (projection) => {
    const m = makers[family]();
    const adapter = injectPrefix(m, prefixConfig({ num_virtual_tokens: 3, prefix_projection: projection, encoder_hidden_size: 6 }, m), new Rng(2));
    await checkPerSample(m, adapter, batchFor(family));
    adapter.dispose();
  });

  it('masked SGD changes only selected entries', async () => {
    const m = makers[family]();
    const adapter = injectPrefix(m, prefixConfig({ num_virtual_tokens: 3 }, m), new Rng(2));
    await checkMaskedTraining(m, adapter, batchFor(family));
  });

  it.each([false, true])('save → load is bit-identical (projection=%s; reloads as the table, as PEFT)', async (projection) => {
    const m = makers[family]();
    const adapter = injectPrefix(m, prefixConfig({ num_virtual_tokens: 3, prefix_projection: projection }, m), new Rng(2));
    const { reloaded } = await checkSaveLoad(adapter, batchFor(family), makers[family](), loadPrefixAdapter);
    expect(reloaded.trainableParameters().map((p) => p.name)).toEqual(['prompt_embeddings']);
  });
});

describe.skipIf(!hasShared('models', 'stories260K') || !pythonHas('torch'))('stories260K with a PEFT prefix directory', () => {
  it('logits and loss match an independent PyTorch forward (≤1e-4)', async () => {
    const dir = sharedPath('models', 'stories260K');
    const { model } = await loadLlama2c(dir);
    const adapter = injectPrefix(model, prefixConfig({ num_virtual_tokens: 30 }, model), new Rng(11));
    const out = fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'prefix-260k-'));
    await saveAdapter(out, adapter);
    const ids = [[1, 403, 407, 261, 378, 237, 300], [1, 60, 70, 80, 90, 100, 110]];
    const inputIds = tf.tensor2d(ids, [2, 7], 'int32');
    const logits = await model.logits({ inputIds }).data();
    const loss = await model.perExampleLoss({ inputIds, labels: tf.tensor2d(ids, [2, 7], 'int32') }).data();
    const ref = runPython<{ logits: number[]; loss: number[] }>(LLAMA2C_REFERENCE, { bin: path.join(dir, 'stories260K.bin'), adapter_dir: out, ids });
    expectAllClose(logits, ref.logits, 1e-4, 1e-4, 'logits');
    expectAllClose(loss, ref.loss, 1e-4, 1e-4, 'loss');
    if (pythonHas('peft', 'transformers')) {
      // Python PEFT itself loads the directory (PrefixEncoder, get_prompt, GQA rule) onto an HF Llama.
      const peft = runPython<{ logits: number[]; loss: number[]; peft_type: string }>(PEFT_LOAD, { bin: path.join(dir, 'stories260K.bin'), adapter_dir: out, ids });
      expect(peft.peft_type).toContain('PREFIX_TUNING');
      expectAllClose(logits, peft.logits, 1e-4, 1e-4, 'logits vs Python PEFT');
    } else console.warn('skipping the Python PEFT load check: python lacks peft/transformers (set FISH_PYTHON)');
    adapter.dispose();
    model.dispose();
  });
});

it('registers only on request', async () => {
  const { getTuner, registeredTuners } = await import('@fish-tuning/core');
  const mod = await import('../src/index.js');
  expect(registeredTuners()).not.toContain('prefix');
  mod.registerPrefix();
  expect(getTuner('prefix')).toBe(mod.prefixTuner);
});

describe('prefix in the top n layers only (fish-tuning extension)', () => {
  it('prefixes the listed layers, leaves the others exactly as the bare model, and counts l·2·td per listed layer', async () => {
    const model = createLlama({ vocabSize: 32, hiddenSize: 16, intermediateSize: 24, numHiddenLayers: 3, numAttentionHeads: 4, numKeyValueHeads: 2 }, 3);
    const batch = { inputIds: tf.tensor2d([[1, 5, 7, 9], [2, 4, 0, 0]], undefined, 'int32'), attentionMask: tf.tensor2d([[1, 1, 1, 1], [1, 1, 0, 0]], undefined, 'int32') };
    const config = prefixConfig({ num_virtual_tokens: 3, layers: 'top:1' }, model);
    expect(config.layers_to_transform).toEqual([2]);
    const adapter = injectPrefix(model, config, new Rng(1));
    const [param] = adapter.trainableParameters();
    expect(param.variable.size).toBe(prefixParameterCount(model.dims, 3, 1));
    const x = tf.zeros([2, 4, 16]);
    expect(adapter.encoder.prefixFor(0, x)).toBeNull();
    expect(adapter.encoder.prefixFor(2, x)!.key.shape).toEqual([2, 2, 3, 4]);
    const hiddenWith = model.forwardBottom!(batch, 2);
    model.prefix = null;
    const hiddenBare = model.forwardBottom!(batch, 2);
    model.prefix = adapter.encoder;
    // Layers 0–1 see no prefix but positions start at l = 3: RoPE makes attention depend only on relative
    // positions, so the bottom hidden states equal the bare model's.
    expectAllClose(await hiddenWith.data(), await hiddenBare.data(), 1e-5, 1e-6, 'hidden entering layer 2');
    const withPrefix = await model.logits(batch).data();
    model.prefix = null;
    const bare = await model.logits(batch).data();
    expect(Array.from(withPrefix)).not.toEqual(Array.from(bare));
    adapter.dispose();
    model.dispose();
  });
});
