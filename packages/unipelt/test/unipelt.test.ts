import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { countParameters, Linear, Rng, type ModelBatch, type PeftTargetModel } from '@fish-tuning/core';
import { createBert, createLlama } from '@fish-tuning/models';
import { prefixConfig, PrefixEncoder } from '@fish-tuning/prefix';
import { expectAllClose, pythonHas, runPython } from '@fish-tuning/test-utils';
import { GatedAdapterLayer, GatedLoraLinear, GatedPrefix, injectUnipelt, unipeltConfig, unipeltParameterCount } from '../src/index.js';
import { loadUnipeltAdapter } from '../src/node.js';
import { checkMaskedTraining, checkPerSample, checkSaveLoad, randomise } from '@fish-tuning/test-utils/conformance';

const makers: Record<'llama' | 'bert', () => PeftTargetModel> = {
  llama: () => createLlama({ vocabSize: 40, hiddenSize: 16, intermediateSize: 24, numHiddenLayers: 3, numAttentionHeads: 4, numKeyValueHeads: 2 }, 7, 0.2),
  bert: () => createBert({ vocab_size: 40, hidden_size: 16, intermediate_size: 24, num_hidden_layers: 3, num_attention_heads: 4, max_position_embeddings: 64, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 }, 7, { numLabels: 3 }),
};
function batchFor(family: 'llama' | 'bert'): ModelBatch {
  const inputIds = tf.tensor2d([[1, 5, 9, 3], [2, 4, 6, 8], [11, 12, 13, 0]], [3, 4], 'int32');
  const attentionMask = tf.tensor2d([[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 0]], [3, 4], 'int32');
  return family === 'llama' ? { inputIds, attentionMask } : { inputIds, attentionMask, labels: tf.tensor1d([0, 2, 1], 'int32') };
}
const small = { lora: { r: 2 }, adapter: { reduction_factor: 4 }, prefix: { num_virtual_tokens: 3 } };

describe('unipeltConfig', () => {
  it('combines the three parts with AdapterHub UniPELT defaults', () => {
    const m = makers.bert();
    const c = unipeltConfig({ layers: 'top:2' }, m);
    expect(c.peft_type).toBe('FISH_UNIPELT');
    expect(c.lora).toMatchObject({ r: 8, lora_alpha: 16, layers_to_transform: [1, 2] });
    expect(c.adapter).toMatchObject({ reduction_factor: 16, non_linearity: 'relu', layers_to_transform: [1, 2] });
    expect(c.prefix).toMatchObject({ num_virtual_tokens: 10, layers_to_transform: [1, 2] });
    expect(c.fish_gates).toBe(false);
  });
  it('rejects bad options by name, prefixed with the part', () => {
    const m = makers.llama();
    expect(() => unipeltConfig({ lora: { r: 0 } }, m)).toThrow(/option 'lora.r'/);
    expect(() => unipeltConfig({ adapter: { non_linearity: 'x' as never } }, m)).toThrow(/option 'adapter.non_linearity'/);
    expect(() => unipeltConfig({ prefix: { layers: 'top:1' } as never }, m)).toThrow(/option 'prefix.layers'/);
    expect(() => unipeltConfig({ fish_gates: 1 as never }, m)).toThrow(/option 'fish_gates'/);
    expect(() => unipeltConfig({ gates: true } as never, m)).toThrow(/option 'gates'/);
  });
});

describe('gated parts', () => {
  it.skipIf(!pythonHas('numpy'))('LoRA, adapter and prefix gates match NumPy', async () => {
    const d = 6;
    const base = new Linear(tf.randomNormal([d, d], 0, 1, 'float32', 1) as tf.Tensor2D, null);
    const x = tf.randomNormal([2, 3, d], 0, 1, 'float32', 2);
    const lora = new GatedLoraLinear(base, tf.randomNormal([2, d], 0, 1, 'float32', 3) as tf.Tensor2D, tf.randomNormal([d, 2], 0, 1, 'float32', 4) as tf.Tensor2D, { r: 2, scaling: 1.5, dropout: 0 });
    const ad = new GatedAdapterLayer(base, { bottleneck: 3, nonLinearity: 'relu', bias: true, initStd: 0.5 }, new Rng(1));
    const adGate = ad.gate;
    for (const v of [lora.gate.weight, lora.gate.bias, adGate.weight, adGate.bias, ad.upWeight, ad.upBias!, ad.downBias!]) v.assign(tf.randomNormal(v.shape, 0, 1, 'float32', v.size + 11));
    const toy = makers.llama();
    const enc = new PrefixEncoder(prefixConfig({ num_virtual_tokens: 2 }, toy), new Rng(5));
    const gp = new GatedPrefix(enc, d);
    for (const g of gp.gates) for (const [, v] of g.variables()) v.assign(tf.randomNormal(v.shape, 0, 1, 'float32', 99));
    const p = gp.prefixFor(1, x)!;
    const data = async (t: tf.Tensor) => Array.from(await t.data());
    const ref = runPython<{ lora: number[]; ad: number[]; pk: number[]; pv: number[] }>(
      `import numpy as np
I={k:np.array(v) for k,v in INPUT.items()}
d=6; x=I['x'].reshape(2,3,d); W=I['W'].reshape(d,d)
sig=lambda z:1/(1+np.exp(-z))
def gate(w,b,h,o): return sig(h@w.reshape(o,d).T+b).mean(1,keepdims=True)
y=x@W.T
lo=y+gate(I['lgw'],I['lgb'],x,1)*1.5*(x@I['A'].reshape(2,d).T@I['B'].reshape(d,2).T)
h=np.maximum(y@I['dw'].reshape(3,d).T+I['db'],0)@I['uw'].reshape(d,3).T+I['ub']
ad=y+gate(I['agw'],I['agb'],y,1)*h
g=gate(I['pgw'],I['pgb'],x,2)
pk=I['pk0'].reshape(2,2,2,4)*g[:,:,0].reshape(2,1,1,1); pv=I['pv0'].reshape(2,2,2,4)*g[:,:,1].reshape(2,1,1,1)
print(json.dumps({'lora':lo.ravel().tolist(),'ad':ad.ravel().tolist(),'pk':pk.ravel().tolist(),'pv':pv.ravel().tolist()}))`,
      {
        x: await data(x), W: await data(base.weight()), lgw: await data(lora.gate.weight), lgb: await data(lora.gate.bias), A: await data(lora.loraA), B: await data(lora.loraB),
        dw: await data(ad.downWeight), db: await data(ad.downBias!), uw: await data(ad.upWeight), ub: await data(ad.upBias!), agw: await data(adGate.weight), agb: await data(adGate.bias),
        pgw: await data(gp.gates[1].weight), pgb: await data(gp.gates[1].bias), pk0: await data(enc.prefixFor(1, x)!.key), pv0: await data(enc.prefixFor(1, x)!.value),
      },
    );
    expectAllClose(await lora.forward(x).data(), ref.lora, 1e-5, 1e-5, 'gated lora');
    expectAllClose(await ad.forward(x).data(), ref.ad, 1e-5, 1e-5, 'gated adapter');
    expectAllClose(await p.key.data(), ref.pk, 1e-5, 1e-5, 'gated prefix key');
    expectAllClose(await p.value.data(), ref.pv, 1e-5, 1e-5, 'gated prefix value');
  });
});

describe.each(['llama', 'bert'] as const)('UniPELT on a small %s', (family) => {
  it('LoRA and adapter parts are the identity at init (output = gated prefix alone); counts from dims', async () => {
    const m = makers[family]();
    const u = injectUnipelt(m, unipeltConfig({ layers: 'top:2', ...small }, m), new Rng(3));
    const withAll = await m.logits(batchFor(family)).data();
    const m2 = makers[family]();
    m2.prefix = u.gatedPrefix;
    expectAllClose(withAll, await m2.logits(batchFor(family)).data(), 0, 1e-5, 'identity of LoRA + adapter');
    const nLora = family === 'llama' ? [[16, 16], [16, 8]] : [[16, 16], [16, 16]];
    const count = unipeltParameterCount(m.dims, 2, { r: 2, loraTargets: nLora as Array<[number, number]>, reductionFactor: 4, adaptersPerLayer: 1, prefixLength: 3 });
    expect(countParameters(u.trainableParameters())).toBe(count.total);
    expect(u.trainableParameters().filter((p) => p.fishCandidate).length).toBe(u.trainableParameters().length - u.gateParameters().length);
    m2.prefix = null;
    u.dispose();
    expect(m.prefix).toBeNull();
  });

  it('fish_gates puts the gates into the candidate set', () => {
    const m = makers[family]();
    const u = injectUnipelt(m, unipeltConfig({ fish_gates: true, ...small }, m), new Rng(3));
    expect(u.trainableParameters().every((p) => p.fishCandidate)).toBe(true);
    u.dispose();
  });

  it('per-sample views, masked SGD, save → load', async () => {
    const m = makers[family]();
    const u = injectUnipelt(m, unipeltConfig({ layers: 'top:2', fish_gates: true, ...small }, m), new Rng(3));
    randomise(u, 4, 0.3);
    await checkPerSample(m, u, batchFor(family));
    await checkMaskedTraining(m, u, batchFor(family), 2, 0.1);
    await checkSaveLoad(u, batchFor(family), makers[family](), loadUnipeltAdapter);
  });
});

it('registers only on request', async () => {
  const { getTuner, registeredTuners } = await import('@fish-tuning/core');
  const mod = await import('../src/index.js');
  expect(registeredTuners()).not.toContain('unipelt');
  mod.registerUnipelt();
  expect(getTuner('unipelt')).toBe(mod.unipeltTuner);
});
