import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Linear, Rng, getSubmodule, ADAPTER_CONFIG_NAME, ADAPTER_WEIGHTS_NAME } from '@fish-tuning/core';
import { readSafetensorsFile } from '@fish-tuning/core/node';
import { expectAllClose, pythonHas, runPython } from '@fish-tuning/test-utils';
import { LoraLinear, injectLora, loraConfig, loraTuner, mergeLora, unmergeLora, truncatedSvd, fullSvd, subspaceSvd } from '../src/index.js';
import { loadLoraAdapter, saveLoraAdapter } from '../src/node.js';
import { IDS, ToyModel } from './toy.js';

const out = (m: ToyModel) => tf.tidy(() => m.hidden(IDS()));

describe('injectLora on a module tree', () => {
  let cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const f of cleanup.reverse()) f();
    cleanup = [];
  });

  it('wraps the targets in the chosen layers, names tensors as PEFT, and B = 0 leaves the output unchanged', () => {
    const model = new ToyModel();
    cleanup.push(() => model.dispose());
    const before = out(model);
    const config = loraConfig({ r: 2, lora_alpha: 4, target_modules: ['q_proj', 'v_proj'], layers: 'top:2' }, model);
    const adapter = injectLora(model, config, new Rng(1));
    expect(adapter.targetedModules).toEqual(['model.layers.1.self_attn.q_proj', 'model.layers.1.self_attn.v_proj', 'model.layers.2.self_attn.q_proj', 'model.layers.2.self_attn.v_proj']);
    const params = adapter.trainableParameters();
    expect(params.map((p) => p.name).slice(0, 2)).toEqual(['base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight', 'base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight']);
    expect(params.every((p) => p.fishCandidate)).toBe(true);
    expect(params[0]).toMatchObject({ role: 'lora_A', layer: 1, module: 'model.layers.1.self_attn.q_proj' });
    expect(params[0].variable.shape).toEqual([2, 8]);
    expect(params[1].variable.shape).toEqual([6, 2]);
    const after = out(model);
    expectAllClose(after.dataSync(), before.dataSync(), 0, 0, 'output with B = 0');
    // Kaiming-uniform A: within ±1/√in and not all zero.
    const a = params[0].variable.dataSync();
    expect(Math.max(...Array.from(a, Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(8));
    expect(Math.max(...Array.from(a, Math.abs))).toBeGreaterThan(0.05);
    const n = tf.memory().numTensors;
    adapter.dispose();
    expect(getSubmodule(model, 'model.layers.1.self_attn.q_proj')).toBeInstanceOf(Linear);
    expect(tf.memory().numTensors).toBe(n - params.length);
    tf.dispose([before, after]);
  });

  it('PiSSA init leaves the output unchanged (≤1e-4) and matches a NumPy SVD', () => {
    const model = new ToyModel(3);
    cleanup.push(() => model.dispose());
    const q = getSubmodule(model, 'model.layers.0.self_attn.q_proj') as Linear;
    const w = q.weight();
    const before = out(model);
    const config = loraConfig({ r: 2, lora_alpha: 6, target_modules: ['q_proj', 'o_proj'], init_lora_weights: 'pissa' }, model);
    const adapter = injectLora(model, config, new Rng(1));
    const after = out(model);
    expectAllClose(after.dataSync(), before.dataSync(), 1e-4, 1e-4, 'output after PiSSA init');
    const layer = getSubmodule(model, 'model.layers.0.self_attn.q_proj') as LoraLinear;
    expect(layer.baseLinear()).not.toBe(q); // the original module is kept intact for dispose
    if (pythonHas('numpy')) {
      const ref = runPython<{ a: number[]; b: number[]; res: number[] }>(
        `import numpy as np
W = np.array(INPUT['w'], dtype=np.float64).reshape(INPUT['out'], INPUT['in'])
r, s = INPUT['r'], INPUT['s']
U, S, Vh = np.linalg.svd(W, full_matrices=False)
Sr = S[:r] / s
A = np.diag(np.sqrt(Sr)) @ Vh[:r]
B = U[:, :r] @ np.diag(np.sqrt(Sr))
print(json.dumps({'a': A.ravel().tolist(), 'b': B.ravel().tolist(), 'res': (W - s * B @ A).ravel().tolist()}))`,
        { w: Array.from(w.dataSync()), out: 6, in: 8, r: 2, s: 3 },
      );
      // Singular vectors are defined up to sign: align each component's sign before comparing.
      const a = layer.loraA.dataSync();
      const b = layer.loraB.dataSync();
      for (let k = 0; k < 2; k++) {
        const sign = Math.sign(a[k * 8]) === Math.sign(ref.a[k * 8]) ? 1 : -1;
        expectAllClose(Array.from({ length: 8 }, (_, j) => sign * a[k * 8 + j]), ref.a.slice(k * 8, k * 8 + 8), 1e-4, 1e-5, `PiSSA A row ${k}`);
        expectAllClose(Array.from({ length: 6 }, (_, i) => sign * b[i * 2 + k]), Array.from({ length: 6 }, (_, i) => ref.b[i * 2 + k]), 1e-4, 1e-5, `PiSSA B col ${k}`);
      }
      expectAllClose(layer.baseLinear().weight().dataSync(), ref.res, 1e-4, 1e-5, 'PiSSA residual');
    } else {
      console.warn('skipping the NumPy PiSSA reference: python3 lacks numpy');
    }
    adapter.dispose();
    expect(getSubmodule(model, 'model.layers.0.self_attn.q_proj')).toBe(q);
    expectAllClose(q.weight().dataSync(), w.dataSync(), 0, 0, 'original weight after dispose');
    tf.dispose([before, after, w]);
  });

  it("Gaussian init draws A ~ N(0, 1/r²) (PEFT's std = 1/r), B = 0, reproducibly from the seed", () => {
    const model = new ToyModel(2, { d: 64, inner: 48, n: 1 });
    cleanup.push(() => model.dispose());
    const config = loraConfig({ r: 4, target_modules: ['q_proj'], init_lora_weights: 'gaussian' }, model);
    const first = injectLora(model, config, new Rng(11));
    const [a, b] = first.trainableParameters().map((p) => Float32Array.from(p.variable.dataSync()));
    first.dispose();
    const again = injectLora(model, config, new Rng(11));
    expect(Array.from(again.trainableParameters()[0].variable.dataSync())).toEqual(Array.from(a));
    again.dispose();
    const mean = a.reduce((x, y) => x + y, 0) / a.length;
    const std = Math.sqrt(a.reduce((x, y) => x + (y - mean) ** 2, 0) / a.length);
    expect(Math.abs(std - 0.25)).toBeLessThan(0.03); // 256 draws
    expect(b.every((v) => v === 0)).toBe(true);
  });

  it('truncatedSvd reconstructs a full-rank matrix and sorts singular values', () => {
    const rng = new Rng(5);
    const data = Float64Array.from({ length: 20 }, () => rng.normal());
    const { u, s, vt } = truncatedSvd(data, 4, 5, 4);
    expect(s[0]).toBeGreaterThanOrEqual(s[1]);
    const rec = new Float64Array(20);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 5; j++) for (let k = 0; k < 4; k++) rec[i * 5 + j] += u[i * 4 + k] * s[k] * vt[k * 5 + j];
    expectAllClose(rec, data, 1e-10, 1e-10, 'U S Vt');
  });

  it('subspace iteration (the alternative to Lanczos) gives the full SVD\'s top triplets', () => {
    const rng = new Rng(8);
    const [m, n, k] = [200, 150, 4];
    const data = Float64Array.from({ length: m * n }, () => rng.normal());
    for (let c = 0; c < 6; c++) {
      const a = Array.from({ length: m }, () => rng.normal());
      const b = Array.from({ length: n }, () => rng.normal());
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) data[i * n + j] += (5 / (c + 1)) * a[i] * b[j];
    }
    const it = subspaceSvd(data, m, n, k)!;
    expect(it).not.toBeNull();
    const full = fullSvd(data, m, n, k);
    expectAllClose(it.s, full.s, 1e-9, 0, 'singular values');
    for (let c = 0; c < k; c++) {
      const sign = Math.sign(it.vt[c * n]) === Math.sign(full.vt[c * n]) ? 1 : -1;
      expectAllClose(Array.from({ length: n }, (_, j) => sign * it.vt[c * n + j]), Array.from(full.vt.slice(c * n, c * n + n)), 1e-6, 1e-9, `v ${c}`);
      expectAllClose(Array.from({ length: m }, (_, i) => sign * it.u[i * k + c]), Array.from({ length: m }, (_, i) => full.u[i * k + c]), 1e-6, 1e-9, `u ${c}`);
    }
    // The wide case goes through W Wᵀ instead.
    const wide = subspaceSvd(Float64Array.from({ length: n * m }, (_, idx) => data[(idx % m) * n + Math.floor(idx / m)]), n, m, k)!;
    expectAllClose(wide.s, full.s, 1e-9, 0, 'singular values of Wᵀ');
  });

  it('merge then unmerge: outputs equal the unmerged forward (≤1e-5) and the base weight comes back', () => {
    const model = new ToyModel(4);
    cleanup.push(() => model.dispose());
    const q = getSubmodule(model, 'model.layers.1.self_attn.q_proj') as Linear;
    const w0 = q.weight();
    const adapter = injectLora(model, loraConfig({ r: 3, lora_alpha: 6, target_modules: ['q_proj', 'v_proj', 'o_proj'], init_lora_weights: false, use_rslora: true }, model), new Rng(2));
    const base = out(model);
    const plain = out(model);
    mergeLora(adapter);
    const merged = out(model);
    expectAllClose(merged.dataSync(), plain.dataSync(), 1e-5, 1e-5, 'merged output');
    expect(Math.max(...Array.from(tf.sub(q.weight(), w0).dataSync(), Math.abs))).toBeGreaterThan(1e-3);
    unmergeLora(adapter);
    expectAllClose(out(model).dataSync(), plain.dataSync(), 1e-5, 1e-5, 'unmerged output');
    expectAllClose(q.weight().dataSync(), w0.dataSync(), 1e-5, 1e-6, 'base weight after unmerge');
    mergeLora(adapter);
    adapter.dispose(); // dispose unmerges first
    expectAllClose(q.weight().dataSync(), w0.dataSync(), 1e-5, 1e-6, 'base weight after dispose of a merged adapter');
    tf.dispose([base, plain, merged, w0]);
  });

  it('save → load round trip is bit-identical, in PEFT format', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lora-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const model = new ToyModel(5);
    cleanup.push(() => model.dispose());
    const config = loraTuner.config({ r: 2, lora_alpha: 4, target_modules: ['q_proj', 'v_proj'], layers: [0, 2], init_lora_weights: false, base_model_name_or_path: 'toy' }, model);
    const adapter = loraTuner.inject(model, config, new Rng(9));
    const withAdapter = out(model);
    await saveLoraAdapter(dir, adapter);
    const saved = JSON.parse(fs.readFileSync(path.join(dir, ADAPTER_CONFIG_NAME), 'utf8'));
    expect(saved).toMatchObject({ peft_type: 'LORA', r: 2, lora_alpha: 4, target_modules: ['q_proj', 'v_proj'], layers_to_transform: [0, 2], lora_dropout: 0, bias: 'none', fan_in_fan_out: false, use_rslora: false, use_dora: false, init_lora_weights: false, task_type: 'CAUSAL_LM', base_model_name_or_path: 'toy', modules_to_save: null });
    expect(JSON.stringify(saved)).not.toMatch(/fish|mask|fisher/i);
    const { tensors } = await readSafetensorsFile(path.join(dir, ADAPTER_WEIGHTS_NAME));
    expect([...tensors.keys()].sort()).toEqual(adapter.trainableParameters().map((p) => p.name).sort());
    const originals = new Map(adapter.trainableParameters().map((p) => [p.name, Float32Array.from(p.variable.dataSync())]));
    adapter.dispose();
    const loaded = await loadLoraAdapter(model, dir);
    for (const p of loaded.trainableParameters()) expect(Buffer.from(p.variable.dataSync().buffer).equals(Buffer.from(originals.get(p.name)!.buffer))).toBe(true);
    expectAllClose(out(model).dataSync(), withAdapter.dataSync(), 0, 0, 'output after reload');
    loaded.dispose();
    withAdapter.dispose();
  });

  it('a saved PiSSA adapter reloads onto the original base with the same outputs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pissa-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const model = new ToyModel(6);
    cleanup.push(() => model.dispose());
    const adapter = injectLora(model, loraConfig({ r: 2, lora_alpha: 2, target_modules: ['q_proj'], init_lora_weights: 'pissa' }, model), new Rng(1));
    // "Train": move A and B away from their init.
    for (const p of adapter.trainableParameters()) p.variable.assign(tf.add(p.variable, tf.mul(tf.randomNormal(p.variable.shape, 0, 1, 'float32', 1), 0.1)));
    const trained = out(model);
    await saveLoraAdapter(dir, adapter);
    adapter.dispose();
    const loaded = await loadLoraAdapter(model, dir);
    expectAllClose(out(model).dataSync(), trained.dataSync(), 1e-4, 1e-5, 'PiSSA adapter reloaded');
    loaded.dispose();
    trained.dispose();
  });

  it('load errors name the file and tensor', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lora-bad-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const model = new ToyModel(5);
    cleanup.push(() => model.dispose());
    const adapter = injectLora(model, loraConfig({ r: 2, target_modules: ['q_proj'] }, model), new Rng(1));
    await saveLoraAdapter(dir, adapter);
    adapter.dispose();
    const cfgFile = path.join(dir, ADAPTER_CONFIG_NAME);
    const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8'));
    fs.writeFileSync(cfgFile, JSON.stringify({ ...cfg, r: 3 }));
    await expect(loadLoraAdapter(model, dir)).rejects.toThrow(/adapter_model\.safetensors', tensor 'base_model\.model\.model\.layers\.0\.self_attn\.q_proj\.lora_A\.weight': shape \[2,8\] does not match the expected \[3,8\]/);
    expect(getSubmodule(model, 'model.layers.0.self_attn.q_proj')).toBeInstanceOf(Linear);
    fs.writeFileSync(cfgFile, JSON.stringify({ ...cfg, use_dora: true }));
    await expect(loadLoraAdapter(model, dir)).rejects.toThrow(/adapter_config\.json', option 'use_dora'/);
  });
});
