import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@fish-tuning/core';
import { readSafetensorsFile, saveAdapter } from '@fish-tuning/core/node';
import { loadLlama2c } from '@fish-tuning/models';
import { loraTuner } from '@fish-tuning/lora';
import { hasShared, pythonHas, runPython, sharedPath } from '@fish-tuning/test-utils';
import { cli } from './run.js';

const MODEL = sharedPath('models', 'stories260K');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fisher-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));


/**
 * Independent float64 PyTorch reference: reads stories260K.bin itself (HF layout: q/k rows permuted,
 * rotate-half RoPE), adds LoRA from the adapter's safetensors, runs each example alone (no padding),
 * and squares the gradient of each example's mean token loss from its own backward pass.
 */
const TORCH_FISHER = String.raw`
import struct, numpy as np, torch, os
torch.set_default_dtype(torch.float64)
raw = open(os.path.join(INPUT['model'], 'stories260K.bin'), 'rb').read()
dim, hidden, L, nh, nkv, vocab, _ = struct.unpack('7i', raw[:28])
arr = np.frombuffer(raw[28:], dtype=np.float32).astype(np.float64); pos = 0
def take(*shape):
    global pos
    n = int(np.prod(shape)); t = torch.tensor(arr[pos:pos + n].reshape(shape)); pos += n; return t
hd = dim // nh
emb = take(vocab, dim); rms_att = take(L, dim); wq = take(L, dim, dim); wk = take(L, nkv * hd, dim); wv = take(L, nkv * hd, dim)
wo = take(L, dim, dim); rms_ffn = take(L, dim); w1 = take(L, hidden, dim); w2 = take(L, dim, hidden); w3 = take(L, hidden, dim); rms_f = take(dim)
def to_hf(w, heads):  # llama2.c rotates adjacent pairs; HF rotates halves: permute rows per head
    o, i = w.shape
    return w.view(heads, o // heads // 2, 2, i).transpose(1, 2).reshape(o, i)
def st(path):
    b = open(path, 'rb').read(); n = struct.unpack('<Q', b[:8])[0]; h = json.loads(b[8:8 + n]); out = {}
    for k, v in h.items():
        if k == '__metadata__': continue
        s, e = v['data_offsets']
        out[k] = torch.tensor(np.frombuffer(b[8 + n + s:8 + n + e], dtype=np.float32).astype(np.float64).reshape(v['shape']))
    return out
cfg = json.load(open(os.path.join(INPUT['adapter'], 'adapter_config.json')))
lora = {k: v.clone().requires_grad_(True) for k, v in st(os.path.join(INPUT['adapter'], 'adapter_model.safetensors')).items()}
scale = cfg['lora_alpha'] / cfg['r']
def lin(x, W, path):
    y = x @ W.T
    a = lora.get('base_model.model.' + path + '.lora_A.weight')
    if a is not None: y = y + scale * (x @ a.T) @ lora['base_model.model.' + path + '.lora_B.weight'].T
    return y
def rms(x, w): return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + 1e-5) * w
def rot_half(x): return torch.cat([-x[..., hd // 2:], x[..., :hd // 2]], -1)
inv = 1.0 / (10000.0 ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
def loss_of(ids, labels):
    t = len(ids); x = emb[torch.tensor(ids)]
    ang = torch.arange(t, dtype=torch.float64)[:, None] * inv[None]; ang = torch.cat([ang, ang], -1); cos, sin = ang.cos(), ang.sin()
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
    for l in range(L):
        p = 'model.layers.%d.' % l; h = rms(x, rms_att[l])
        q = lin(h, to_hf(wq[l], nh), p + 'self_attn.q_proj').view(t, nh, hd).transpose(0, 1)
        k = lin(h, to_hf(wk[l], nkv), p + 'self_attn.k_proj').view(t, nkv, hd).transpose(0, 1)
        v = lin(h, wv[l], p + 'self_attn.v_proj').view(t, nkv, hd).transpose(0, 1)
        q = q * cos + rot_half(q) * sin; k = k * cos + rot_half(k) * sin
        k = k.repeat_interleave(nh // nkv, 0); v = v.repeat_interleave(nh // nkv, 0)
        s = (q @ k.transpose(1, 2)) / hd ** 0.5; s = s.masked_fill(~causal, float('-inf'))
        o = (s.softmax(-1) @ v).transpose(0, 1).reshape(t, dim)
        x = x + lin(o, wo[l], p + 'self_attn.o_proj')
        h = rms(x, rms_ffn[l])
        g = lin(h, w1[l], p + 'mlp.gate_proj'); u = lin(h, w3[l], p + 'mlp.up_proj')
        x = x + lin(torch.nn.functional.silu(g) * u, w2[l], p + 'mlp.down_proj')
    logits = rms(x, rms_f) @ emb.T
    tgt = torch.tensor(labels[1:]); keep = tgt != -100
    return torch.nn.functional.cross_entropy(logits[:-1][keep], tgt[keep], reduction='mean')
rows = [json.loads(l) for l in open(INPUT['data']) if l.strip()][:INPUT['n']]
acc = {k: torch.zeros_like(v) for k, v in lora.items()}
for r in rows:
    for v in lora.values(): v.grad = None
    loss_of(r['input_ids'], r.get('labels', r['input_ids'])).backward()
    for k, v in lora.items(): acc[k] += v.grad.detach() ** 2
got = st(INPUT['fisher'])
report = {}
for k, v in acc.items():
    ref = v / len(rows)
    report[k] = {'rel': float((got[k] - ref).abs().max() / ref.abs().max()), 'max': float(ref.abs().max())}
report['__names__'] = sorted(got.keys()) == sorted(acc.keys())
print(json.dumps(report))
`;

async function writeData(file: string, n: number): Promise<void> {
  const rng = new Rng(21);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = 5 + rng.int(8);
    const ids = [1, ...Array.from({ length: len - 1 }, () => 3 + rng.int(509))];
    // The first two tokens are prompt (unsupervised), as in instruction data.
    lines.push(JSON.stringify({ input_ids: ids, labels: ids.map((t, j) => (j < 2 ? -100 : t)) }));
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

describe.skipIf(!hasShared('models', 'stories260K'))('fish-tune fisher on stories260K + LoRA', () => {
  const adapterDir = path.join(tmp, 'adapter');
  const data = path.join(tmp, 'data.jsonl');
  const out = path.join(tmp, 'fisher.safetensors');

  it('writes the Fisher of a LoRA adapter that matches an independent PyTorch per-sample loop (≤1e-4 relative per tensor)', async () => {
    // A LoRA adapter with non-zero A and B (B = 0 at init would make A's Fisher vanish).
    const { model } = await loadLlama2c(MODEL);
    const adapter = loraTuner.inject(model, loraTuner.config({ r: 2, lora_alpha: 4, target_modules: ['q_proj', 'v_proj', 'down_proj'] }, model), new Rng(5));
    adapter.trainableParameters().forEach((p, i) => {
      const next = tf.tidy(() => tf.randomNormal(p.variable.shape, 0, 0.1, 'float32', 50 + i));
      p.variable.assign(next);
      next.dispose();
    });
    await saveAdapter(adapterDir, adapter);
    adapter.dispose();
    model.dispose();
    await writeData(data, 10);

    const r = await cli(['fisher', '--model', MODEL, '--method', 'lora', '--init-adapter', adapterDir, '--data', data, '--fisher-samples', '6', '--order', 'first', '--chunk-size', '4', '--out', out]);
    expect(r.err).not.toMatch(/fish-tune:/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/30 tensors, .*N=6, empirical Fisher \(vectorised\)/);
    const file = await readSafetensorsFile(out);
    expect(file.metadata).toMatchObject({ samples: '6', estimator: 'empirical', order: 'first', peft_method: 'lora' });
    if (!pythonHas('torch', 'numpy')) {
      console.warn('skipping the PyTorch comparison: /usr/bin/python3 lacks torch');
      return;
    }
    const report = runPython<Record<string, any>>(TORCH_FISHER, { model: MODEL, adapter: adapterDir, data, fisher: out, n: 6 });
    expect(report.__names__).toBe(true);
    delete report.__names__;
    expect(Object.keys(report)).toHaveLength(30);
    for (const [name, { rel, max }] of Object.entries(report)) {
      expect(max, name).toBeGreaterThan(0);
      expect(rel, name).toBeLessThanOrEqual(1e-4);
    }
  });

  it('fish-tune mask selects exactly k from that file; bad flags are named', async () => {
    const maskFile = path.join(tmp, 'mask.safetensors');
    const r = await cli(['mask', '--fisher', out, '--ratio', '0.01', '--out', maskFile]);
    expect(r.code).toBe(0);
    const fisher = await readSafetensorsFile(out);
    const total = [...fisher.tensors.values()].reduce((n, t) => n + t.data.length, 0);
    const k = Math.round(0.01 * total);
    const mask = await readSafetensorsFile(maskFile);
    let selected = 0;
    for (const t of mask.tensors.values()) {
      expect(t.dtype).toBe('U8');
      for (const b of t.data) selected += b;
    }
    expect(selected).toBe(k);
    expect(mask.metadata).toMatchObject({ k: String(k), selection: 'fish', source_fisher: out });
    // Every selected score ≥ every unselected score.
    let minSel = Infinity;
    let maxUnsel = -Infinity;
    for (const [name, t] of mask.tensors) {
      const f = fisher.tensors.get(name)!.data;
      Array.from(t.data).forEach((b, i) => (b ? (minSel = Math.min(minSel, f[i])) : (maxUnsel = Math.max(maxUnsel, f[i]))));
    }
    expect(minSel).toBeGreaterThanOrEqual(maxUnsel);

    for (const [args, pattern] of [
      [['--ratio', '0'], /option '--ratio'.*\(0, 1\]/],
      [['--ratio', '1.5'], /option '--ratio'/],
      [['--count', String(total + 1)], new RegExp(`option '--count'.*${total + 1} exceeds the ${total}`)],
      [['--count', '5', '--select', 'best'], /option '--select'/],
    ] as const) {
      const bad = await cli(['mask', '--fisher', out, ...args, '--out', path.join(tmp, 'bad.safetensors')]);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(pattern);
    }
  });

  it('fish-tune fisher names the flag on bad input', async () => {
    const base = ['fisher', '--model', MODEL, '--method', 'lora', '--data', data, '--out', path.join(tmp, 'x.safetensors')];
    const tooMany = await cli([...base, '--fisher-samples', '11']);
    expect(tooMany.code).toBe(2);
    expect(tooMany.err).toMatch(/option '--fisher-samples'.*11 samples.*only 10 rows/);
    const estimator = await cli([...base, '--fisher-samples', '2', '--estimator', 'true']);
    expect(estimator.err).toMatch(/option '--estimator'/);
    const expected = await cli([...base, '--fisher-samples', '2', '--estimator', 'expected']);
    expect(expected.err).toMatch(/option '--estimator'.*classification/);
    const method = await cli([...base.slice(0, 3), '--method', 'nope', ...base.slice(5)]);
    expect(method.err).toMatch(/option '--method'.*unknown value 'nope'/);
  });
});
