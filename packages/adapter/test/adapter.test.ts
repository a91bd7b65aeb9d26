import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { countParameters, Linear, Rng, type ModelBatch, type PeftTargetModel } from '@fish-tuning/core';
import { createBert, createLlama } from '@fish-tuning/models';
import { expectAllClose, pythonHas, runPython } from '@fish-tuning/test-utils';
import { adapterConfig, adapterParameterCount, AdapterLayer, injectAdapter, NON_LINEARITIES } from '../src/index.js';
import { loadBottleneckAdapter } from '../src/node.js';
import { smallBatch, smallModel } from '../../ia3/test/small-models.js';
import { checkMaskedTraining, checkPerSample, checkSaveLoad, randomise } from '@fish-tuning/test-utils/conformance';

const makers: Record<'llama' | 'bert', () => PeftTargetModel> = {
  llama: () => createLlama({ vocabSize: 40, hiddenSize: 16, intermediateSize: 24, numHiddenLayers: 3, numAttentionHeads: 4, numKeyValueHeads: 2 }, 7, 0.2),
  bert: () => createBert({ vocab_size: 40, hidden_size: 16, intermediate_size: 24, num_hidden_layers: 3, num_attention_heads: 4, max_position_embeddings: 64, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 }, 7, { numLabels: 3 }),
};
const batch = (): ModelBatch => ({ inputIds: tf.tensor2d([[1, 5, 9, 3], [2, 4, 6, 8], [11, 12, 13, 0]], [3, 4], 'int32') });

describe('adapterConfig', () => {
  it('fills AdapterHub-style defaults and resolves layers', () => {
    const c = adapterConfig({ layers: 'top:2', reduction_factor: 4 }, makers.bert());
    expect(c).toMatchObject({ peft_type: 'FISH_ADAPTER', target_modules: ['attention.output.dense', 'output.dense'], layers_to_transform: [1, 2], reduction_factor: 4, non_linearity: 'swish', adapter_bias: true });
    expect(adapterConfig({ bottleneck_size: 2 }, makers.llama()).reduction_factor).toBe(8);
  });
  it('rejects bad options by name', () => {
    const m = makers.llama();
    expect(() => adapterConfig({ non_linearity: 'sigmoid' as never }, m)).toThrow(/option 'non_linearity'.*sigmoid/);
    expect(() => adapterConfig({ reduction_factor: 0 }, m)).toThrow(/option 'reduction_factor'/);
    expect(() => adapterConfig({ reduction_factor: 64 }, m)).toThrow(/option 'reduction_factor'/);
    expect(() => adapterConfig({ bottleneck_size: 2, reduction_factor: 8 }, m)).toThrow(/option 'bottleneck_size'/);
    expect(() => adapterConfig({ r: 8 } as never, m)).toThrow(/option 'r'/);
  });
});

describe('AdapterLayer', () => {
  it.skipIf(!pythonHas('numpy'))('matches NumPy for every non-linearity', async () => {
    const base = new Linear(tf.randomNormal([5, 6], 0, 1, 'float32', 1) as tf.Tensor2D, tf.randomNormal([6], 0, 1, 'float32', 2) as tf.Tensor1D);
    const x = tf.randomNormal([2, 3, 5], 0, 1, 'float32', 3);
    for (const nl of NON_LINEARITIES) {
      const layer = new AdapterLayer(base, 3, nl, true, 0.5, new Rng(4));
      for (const [, v] of layer.variables()) v.assign(tf.randomNormal(v.shape, 0, 0.7, 'float32', v.size));
      const vals = Object.fromEntries(await Promise.all(layer.variables().map(async ([n, v]) => [n, Array.from(await v.data())])));
      const ref = runPython<number[]>(
        `import numpy as np, math
V=INPUT['v']; W=np.array(INPUT['w']).reshape(6,5); b=np.array(INPUT['b']); x=np.array(INPUT['x']).reshape(2,3,5)
A=np.array(V['adapter_down.weight']).reshape(3,6); a=np.array(V['adapter_down.bias']); B=np.array(V['adapter_up.weight']).reshape(6,3); c=np.array(V['adapter_up.bias'])
y=x@W.T+b; h=y@A.T+a
f={'relu':lambda h:np.maximum(h,0),'swish':lambda h:h/(1+np.exp(-h)),'tanh':np.tanh,'gelu':lambda h:0.5*h*(1+np.vectorize(math.erf)(h/math.sqrt(2)))}[INPUT['nl']]
print(json.dumps((y+f(h)@B.T+c).ravel().tolist()))`,
        { v: vals, w: Array.from(await base.weight().data()), b: Array.from(await base.bias!.data()), x: Array.from(await x.data()), nl },
      );
      expectAllClose(await layer.forward(x).data(), ref, 1e-5, 1e-5, nl);
      layer.dispose();
    }
  });
});

describe.each(['llama', 'bert'] as const)('adapter on a small %s', (family) => {
  it('is the identity at init, names tensors by module path, counts from dims', async () => {
    const m = makers[family]();
    const before = await m.logits(batch()).data();
    const adapter = injectAdapter(m, adapterConfig({ layers: 'top:2', reduction_factor: 4 }, m), new Rng(1));
    expectAllClose(await m.logits(batch()).data(), before, 0, 1e-4, 'identity init');
    const proj = family === 'llama' ? 'self_attn.o_proj' : 'attention.output.dense';
    expect(adapter.trainableParameters()[0].name).toBe(`base_model.model.${m.layerPath(1)}.${proj}.adapter_down.weight`);
    expect(adapter.targetedModules.length).toBe(4);
    expect(countParameters(adapter.trainableParameters())).toBe(adapterParameterCount(m.dims, 2, 4));
    expect(adapter.trainableParameters().every((p) => p.fishCandidate)).toBe(true);
    adapter.dispose();
    expect(Array.from(await m.logits(batch()).data())).toEqual(Array.from(before));
  });

  it('save → load is bit-identical', async () => {
    const m = makers[family]();
    const adapter = injectAdapter(m, adapterConfig({ layers: 'top:2', reduction_factor: 4, non_linearity: 'relu' }, m), new Rng(1));
    randomise(adapter, 5, 0.3);
    const { reloaded } = await checkSaveLoad(adapter, batch(), makers[family](), loadBottleneckAdapter);
    expect(reloaded.config).toEqual(adapter.config);
  });

  it('per-sample views and masked SGD', async () => {
    const m = smallModel(family);
    const adapter = injectAdapter(m, adapterConfig({ reduction_factor: 4 }, m), new Rng(1));
    randomise(adapter, 5, 0.3);
    await checkPerSample(m, adapter, smallBatch(family));
    await checkMaskedTraining(m, adapter, smallBatch(family), 3, 0.1);
  });
});

it('registers only on request', async () => {
  const { getTuner, registeredTuners } = await import('@fish-tuning/core');
  const mod = await import('../src/index.js');
  expect(registeredTuners()).not.toContain('adapter');
  mod.registerAdapter();
  expect(getTuner('adapter')).toBe(mod.adapterTuner);
});
