import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Linear, Rng, getSubmodule, withParamOverrides, ADAPTER_CONFIG_NAME, ADAPTER_WEIGHTS_NAME } from '@fish-tuning/core';
import { readSafetensorsFile, saveAdapter } from '@fish-tuning/core/node';
import { expectAllClose, pythonHas, runPython } from '@fish-tuning/test-utils';
import { kaimingUniform, mergeLora, unmergeLora } from '@fish-tuning/lora';
import { DoraLinear, doraConfig, doraTuner, injectDora } from '../src/index.js';
import { loadDoraAdapter } from '../src/node.js';
import { IDS, ToyModel, randomLinear } from '../../lora/test/toy.js';

const out = (m: ToyModel) => tf.tidy(() => m.hidden(IDS()));
const inF = 6, outF = 5, r = 2, s = 1.5;

function randomDora(seed: number): { layer: DoraLinear; base: Linear } {
  const rng = new Rng(seed);
  const base = randomLinear(rng, inF, outF);
  const a = kaimingUniform(rng, [r, inF], inF);
  const b = kaimingUniform(rng, [outF, r], r);
  const layer = new DoraLinear(base, a, b, { r, scaling: s, dropout: 0 });
  // A magnitude away from its init so that every term matters.
  layer.magnitude.assign(tf.add(layer.magnitude, tf.tensor1d(Float32Array.from({ length: outF }, () => rng.normal() * 0.3))));
  tf.dispose([a, b]);
  return { layer, base };
}

/** y = bias + (m / ‖W + s·BA‖_row)·(W x + s·B A x), in double-precision loops. */
function reference(x: ArrayLike<number>, n: number, w: ArrayLike<number>, bias: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>, m: ArrayLike<number>): Float64Array {
  const full = new Float64Array(outF * inF);
  for (let o = 0; o < outF; o++) for (let j = 0; j < inF; j++) {
    let ba = 0;
    for (let k = 0; k < r; k++) ba += b[o * r + k] * a[k * inF + j];
    full[o * inF + j] = w[o * inF + j] + s * ba;
  }
  const y = new Float64Array(n * outF);
  for (let o = 0; o < outF; o++) {
    let norm = 0;
    for (let j = 0; j < inF; j++) norm += full[o * inF + j] ** 2;
    const scale = m[o] / Math.sqrt(norm);
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < inF; j++) v += full[o * inF + j] * x[i * inF + j];
      y[i * outF + o] = bias[o] + scale * v;
    }
  }
  return y;
}

describe('DoraLinear', () => {
  let cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const f of cleanup.reverse()) f();
    cleanup = [];
  });

  it('forward equals a loop reference (≤1e-5)', () => {
    const { layer, base } = randomDora(1);
    const x = tf.randomNormal([2, 3, inF], 0, 1, 'float32', 2);
    const y = layer.forward(x);
    const want = reference(x.dataSync(), 6, base.weight().dataSync(), base.bias!.dataSync(), layer.loraA.dataSync(), layer.loraB.dataSync(), layer.magnitude.dataSync());
    expectAllClose(y.dataSync(), want, 1e-5, 1e-5, 'dora forward');
    layer.dispose();
    base.dispose();
  });

  it('with dropout active, uses PEFT’s three-term form (equal to the plain form when the drop mask keeps everything)', () => {
    const { layer, base } = randomDora(2);
    const x = tf.randomNormal([4, inF], 0, 1, 'float32', 3);
    // rate ≈ 0 but training: the dropout branch runs with x_d = x (scaled by 1/(1-rate) ≈ 1).
    const tiny = new DoraLinear(base, layer.loraA as unknown as tf.Tensor2D, layer.loraB as unknown as tf.Tensor2D, { r, scaling: s, dropout: 1e-9 });
    tiny.magnitude.assign(layer.magnitude);
    const seq = new Rng(1);
    const yTrain = tiny.forward(x, { training: true, random: () => seq.next() });
    expectAllClose(yTrain.dataSync(), layer.forward(x).dataSync(), 1e-5, 1e-5, 'dropout path');
    tiny.dispose();
    layer.dispose();
    base.dispose();
  });

  it('gradients match PyTorch with the norm detached', () => {
    if (!pythonHas('torch')) {
      console.warn('skipping the PyTorch DoRA gradient reference: python3 lacks torch');
      return;
    }
    const { layer, base } = randomDora(3);
    const x = tf.randomNormal([3, 4, inF], 0, 1, 'float32', 4);
    const up = tf.randomNormal([3, 4, outF], 0, 1, 'float32', 5);
    const f = (a: tf.Tensor, b: tf.Tensor, m: tf.Tensor) =>
      withParamOverrides(new Map([[layer.loraA, a], [layer.loraB, b], [layer.magnitude, m]]), () => tf.sum(tf.mul(layer.forward(x), up)));
    const [ga, gb, gm] = tf.grads(f)([layer.loraA, layer.loraB, layer.magnitude]);
    const ref = runPython<{ ga: number[]; gb: number[]; gm: number[] }>(
      `import torch
t = lambda k, *shape: torch.tensor(INPUT[k], dtype=torch.float64).reshape(*shape)
W, bias, x, up = t('w', ${outF}, ${inF}), t('bias', ${outF}), t('x', 3, 4, ${inF}), t('up', 3, 4, ${outF})
A = t('a', ${r}, ${inF}).requires_grad_(); B = t('b', ${outF}, ${r}).requires_grad_(); m = t('m', ${outF}).requires_grad_()
s = ${s}
lora_weight = B @ A
weight_norm = torch.linalg.norm(W + s * lora_weight.detach(), dim=1).detach()
scale = (m / weight_norm).view(1, -1)
base = x @ W.T + bias
y = base + (scale - 1) * (x @ W.T) + scale * ((x @ A.T) @ B.T) * s
(y * up).sum().backward()
print(json.dumps({'ga': A.grad.ravel().tolist(), 'gb': B.grad.ravel().tolist(), 'gm': m.grad.ravel().tolist()}))`,
      {
        w: Array.from(base.weight().dataSync()), bias: Array.from(base.bias!.dataSync()), x: Array.from(x.dataSync()), up: Array.from(up.dataSync()),
        a: Array.from(layer.loraA.dataSync()), b: Array.from(layer.loraB.dataSync()), m: Array.from(layer.magnitude.dataSync()),
      },
    );
    expectAllClose(ga.dataSync(), ref.ga, 1e-4, 1e-5, 'dL/dA');
    expectAllClose(gb.dataSync(), ref.gb, 1e-4, 1e-5, 'dL/dB');
    expectAllClose(gm.dataSync(), ref.gm, 1e-4, 1e-5, 'dL/dm');
    layer.dispose();
    base.dispose();
  });

  it('per-sample copies of A, B, m give the shared forward', () => {
    const { layer, base } = randomDora(4);
    const x = tf.randomNormal([3, 4, inF], 0, 1, 'float32', 6);
    const tile = (v: tf.Tensor) => tf.tile(tf.expandDims(v, 0), [3, ...v.shape.map(() => 1)]);
    const per = withParamOverrides(new Map([[layer.loraA, tile(layer.loraA)], [layer.loraB, tile(layer.loraB)], [layer.magnitude, tile(layer.magnitude)]]), () => layer.forward(x));
    expectAllClose(per.dataSync(), layer.forward(x).dataSync(), 1e-5, 1e-6, 'per-sample DoRA forward');
    layer.dispose();
    base.dispose();
  });

  it('injects with m = row norms of W (output unchanged), merges/unmerges, and round-trips in PEFT format', async () => {
    const model = new ToyModel(8);
    cleanup.push(() => model.dispose());
    const q = getSubmodule(model, 'model.layers.0.self_attn.q_proj') as Linear;
    const w0 = q.weight();
    const before = out(model);
    const config = doraTuner.config({ r: 2, lora_alpha: 4, target_modules: ['q_proj', 'v_proj', 'o_proj'] }, model);
    expect(config.use_dora).toBe(true);
    const adapter = doraTuner.inject(model, config, new Rng(3));
    expectAllClose(out(model).dataSync(), before.dataSync(), 1e-5, 1e-6, 'output at init');
    const m = adapter.trainableParameters().find((p) => p.name === 'base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector')!;
    expect(m).toMatchObject({ role: 'lora_magnitude_vector', fishCandidate: true, layer: 0 });
    const rowNorms = tf.sqrt(tf.sum(tf.square(w0), 1));
    expectAllClose(m.variable.dataSync(), rowNorms.dataSync(), 1e-6, 1e-6, 'magnitude = ‖W‖_row');

    // Make it non-trivial, then merge/unmerge.
    for (const p of adapter.trainableParameters()) p.variable.assign(tf.add(p.variable, tf.mul(tf.randomNormal(p.variable.shape, 0, 1, 'float32', 7), 0.2)));
    const trained = out(model);
    mergeLora(adapter);
    expectAllClose(out(model).dataSync(), trained.dataSync(), 1e-5, 1e-5, 'merged DoRA output');
    unmergeLora(adapter);
    expectAllClose(out(model).dataSync(), trained.dataSync(), 1e-5, 1e-5, 'unmerged DoRA output');
    expectAllClose(q.weight().dataSync(), w0.dataSync(), 1e-5, 1e-5, 'W after unmerge');

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dora-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    await saveAdapter(dir, adapter);
    expect(JSON.parse(fs.readFileSync(path.join(dir, ADAPTER_CONFIG_NAME), 'utf8'))).toMatchObject({ peft_type: 'LORA', use_dora: true });
    const { tensors } = await readSafetensorsFile(path.join(dir, ADAPTER_WEIGHTS_NAME));
    expect(tensors.get('base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector')?.shape).toEqual([6]);
    const saved = new Map(adapter.trainableParameters().map((p) => [p.name, Float32Array.from(p.variable.dataSync())]));
    adapter.dispose();
    const loaded = await loadDoraAdapter(model, dir);
    expect([...loaded.layers.values()][0]).toBeInstanceOf(DoraLinear);
    for (const p of loaded.trainableParameters()) expect(Buffer.from(p.variable.dataSync().buffer).equals(Buffer.from(saved.get(p.name)!.buffer))).toBe(true);
    // Not bit-equal: the merge/unmerge above left W within float32 rounding of its old value.
    expectAllClose(out(model).dataSync(), trained.dataSync(), 1e-5, 1e-6, 'reloaded DoRA output');
    loaded.dispose();
    expect(getSubmodule(model, 'model.layers.0.self_attn.q_proj')).toBe(q);
    tf.dispose([w0, before, trained, rowNorms]);
  });

  it('injectDora with PiSSA init leaves the output unchanged', () => {
    const model = new ToyModel(9);
    cleanup.push(() => model.dispose());
    const before = out(model);
    const adapter = injectDora(model, doraConfig({ r: 2, lora_alpha: 2, target_modules: ['q_proj'], init_lora_weights: 'pissa' }, model), new Rng(1));
    expectAllClose(out(model).dataSync(), before.dataSync(), 1e-4, 1e-5, 'PiSSA + DoRA at init');
    adapter.dispose();
    before.dispose();
  });
});
