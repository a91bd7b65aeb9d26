import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@fish-tuning/core';
import { saveAdapter } from '@fish-tuning/core/node';
import { loadLlama2c } from '@fish-tuning/models';
import { loraTuner } from '@fish-tuning/lora';
import { doraTuner } from '@fish-tuning/dora';
import { hasShared, pythonHas, runPython, sharedPath } from '@fish-tuning/test-utils';
import { cli } from './run.js';
import { padRows } from '@fish-tuning/core';
import { tokenRowExample } from '../src/commands/eval.js';

const MODEL = sharedPath('models', 'stories260K');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));


/** Independent PyTorch forward of the llama2.c checkpoint (HF layout: permuted q/k, rotate-half RoPE), LoRA/DoRA from the safetensors files, one unpadded example at a time. */
const TORCH_REFERENCE = String.raw`
import struct, numpy as np, torch, os
torch.set_default_dtype(torch.float64)
raw = open(os.path.join(INPUT['model'], 'stories260K.bin'), 'rb').read()
dim, hidden, n_layers, n_heads, n_kv, vocab, seq_len = struct.unpack('7i', raw[:28])
arr = np.frombuffer(raw[28:], dtype=np.float32).astype(np.float64); off = 0
def take(*shape):
    global off
    n = int(np.prod(shape)); t = torch.tensor(arr[off:off+n].reshape(shape)); off += n; return t
hd = dim // n_heads; kvd = n_kv * hd
emb = take(abs(vocab), dim); rms_att = take(n_layers, dim); wq = take(n_layers, dim, dim); wk = take(n_layers, kvd, dim)
wv = take(n_layers, kvd, dim); wo = take(n_layers, dim, dim); rms_ffn = take(n_layers, dim); w1 = take(n_layers, hidden, dim)
w2 = take(n_layers, dim, hidden); w3 = take(n_layers, hidden, dim); rms_final = take(dim)
def permute(w, nh):  # Meta (adjacent pairs) -> HF (halves), as transformers' conversion script
    d1, d2 = w.shape
    return w.view(nh, d1 // nh // 2, 2, d2).transpose(1, 2).reshape(d1, d2)
def read_st(path):
    b = open(path, 'rb').read(); n = struct.unpack('<Q', b[:8])[0]; header = json.loads(b[8:8+n]); out = {}
    for k, v in header.items():
        if k == '__metadata__': continue
        s, e = v['data_offsets']
        out[k] = torch.tensor(np.frombuffer(b[8+n+s:8+n+e], dtype=np.float32).astype(np.float64).reshape(v['shape']))
    return out
def make_linear(name, W, ad):
    if ad is None: return lambda x: x @ W.T
    cfg, t = ad; key = 'base_model.model.' + name
    if key + '.lora_A.weight' not in t: return lambda x: x @ W.T
    A, B = t[key + '.lora_A.weight'], t[key + '.lora_B.weight']
    s = cfg['lora_alpha'] / (cfg['r'] ** 0.5 if cfg.get('use_rslora') else cfg['r'])
    if not cfg.get('use_dora'): return lambda x: x @ W.T + s * (x @ A.T) @ B.T
    m = t[key + '.lora_magnitude_vector']
    norm = torch.linalg.norm(W + s * B @ A, dim=1)
    return lambda x: (m / norm) * (x @ W.T + s * (x @ A.T) @ B.T)
def rms(x, w): return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + 1e-5) * w
def rotate_half(x): return torch.cat([-x[..., hd // 2:], x[..., :hd // 2]], -1)
def losses(ids, labels, ad):
    L = {}
    for i in range(n_layers):
        p = 'model.layers.%d.' % i
        L[i] = dict(q=make_linear(p + 'self_attn.q_proj', permute(wq[i], n_heads), ad), k=make_linear(p + 'self_attn.k_proj', permute(wk[i], n_kv), ad),
                    v=make_linear(p + 'self_attn.v_proj', wv[i], ad), o=make_linear(p + 'self_attn.o_proj', wo[i], ad),
                    g=make_linear(p + 'mlp.gate_proj', w1[i], ad), u=make_linear(p + 'mlp.up_proj', w3[i], ad), d=make_linear(p + 'mlp.down_proj', w2[i], ad))
    T = len(ids); x = emb[torch.tensor(ids)]
    inv = 1.0 / (10000 ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    fr = torch.outer(torch.arange(T, dtype=torch.float64), inv); cos = torch.cat([fr, fr], -1).cos(); sin = torch.cat([fr, fr], -1).sin()
    causal = torch.full((T, T), float('-inf')).triu(1)
    for i in range(n_layers):
        l = L[i]; h = rms(x, rms_att[i])
        q = l['q'](h).view(T, n_heads, hd).transpose(0, 1); k = l['k'](h).view(T, n_kv, hd).transpose(0, 1); v = l['v'](h).view(T, n_kv, hd).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin; k = k * cos + rotate_half(k) * sin
        rep = n_heads // n_kv; k = k.repeat_interleave(rep, 0); v = v.repeat_interleave(rep, 0)
        att = torch.softmax(q @ k.transpose(1, 2) / hd ** 0.5 + causal, -1) @ v
        x = x + l['o'](att.transpose(0, 1).reshape(T, dim))
        h = rms(x, rms_ffn[i]); x = x + l['d'](torch.nn.functional.silu(l['g'](h)) * l['u'](h))
    logits = rms(x, rms_final) @ emb.T
    tgt = torch.tensor(labels[1:]); keep = tgt != -100
    ce = torch.nn.functional.cross_entropy(logits[:-1][keep], tgt[keep], reduction='sum')
    return ce.item(), int(keep.sum())
out = {}
for name, d in INPUT['adapters'].items():
    ad = None if d is None else (json.load(open(os.path.join(d, 'adapter_config.json'))), read_st(os.path.join(d, 'adapter_model.safetensors')))
    per, tot, n = [], 0.0, 0
    for row in INPUT['rows']:
        labels = row.get('labels') or row['input_ids']
        s, c = losses(row['input_ids'], labels, ad); per.append(s / max(c, 1)); tot += s; n += c
    out[name] = {'mean_loss': sum(per) / len(per), 'token_loss': tot / n, 'tokens': n}
print(json.dumps(out))
`;

describe('fish-tune eval', () => {
  it('pads right with ignored labels (labels default to input_ids where attended)', () => {
    expect(padRows([{ input_ids: [5, 6, 7] }, { input_ids: [8], labels: [-100] }, { input_ids: [1, 2], attention_mask: [1, 0] }].map(tokenRowExample))).toEqual({
      inputIds: [[5, 6, 7], [8, 0, 0], [1, 2, 0]],
      attentionMask: [[1, 1, 1], [1, 0, 0], [1, 0, 0]],
      labels: [[5, 6, 7], [-100, -100, -100], [1, -100, -100]],
      length: 3,
    });
  });

  it('rejects bad data naming the file and line', async () => {
    const file = path.join(tmp, 'bad.jsonl');
    fs.writeFileSync(file, '{"input_ids": [1, 2]}\n{"input_ids": [1, "x"]}\n');
    const r = await cli(['eval', '--model', MODEL, '--data', file, '--json']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.jsonl', option 'input_ids': line 2/);
  });

  it.skipIf(!hasShared('models', 'stories260K'))('prints the mean and token-weighted loss of stories260K + LoRA / DoRA, equal to PyTorch (≤1e-4)', async () => {
    // Adapters with non-zero A, B (and a moved magnitude) so that they change the loss.
    const { model, tokenizer } = await loadLlama2c(MODEL);
    const story = [1, ...tokenizer!.encode('Once upon a time, there was a little girl named Lily. She loved to play outside.')];
    const lora = loraTuner.inject(model, loraTuner.config({ r: 4, lora_alpha: 8, target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'], layers: 'top:3', init_lora_weights: false }, model), new Rng(1));
    for (const p of lora.trainableParameters()) p.variable.assign(tf.mul(p.variable, 0.5));
    await saveAdapter(path.join(tmp, 'lora'), lora);
    lora.dispose();
    const dora = doraTuner.inject(model, doraTuner.config({ r: 2, lora_alpha: 4, target_modules: ['q_proj', 'v_proj', 'down_proj'], init_lora_weights: false, use_rslora: true }, model), new Rng(2));
    const rng = new Rng(3);
    for (const p of dora.trainableParameters()) if (p.role === 'lora_magnitude_vector') p.variable.assign(tf.mul(p.variable, tf.tensor1d(Float32Array.from({ length: p.variable.size }, () => 1 + 0.2 * rng.normal()))));
    await saveAdapter(path.join(tmp, 'dora'), dora);
    dora.dispose();
    model.dispose();

    const rows = [
      { input_ids: [1, 403, 407, 261, 378, 436, 264, 471, 305, 404, 291, 283] },
      { input_ids: [1, 20, 30], labels: [-100, -100, 30] },
      { input_ids: Array.from({ length: 23 }, (_, i) => (i * 37 + 5) % 512), attention_mask: new Array(23).fill(1) },
      { input_ids: [1, 300, 301, 302, 303, 304], labels: [-100, -100, -100, 302, 303, 304] },
      { input_ids: [1, 77, 88, 99, 111] },
      { input_ids: story },
    ];
    const data = path.join(tmp, 'rows.jsonl');
    fs.writeFileSync(data, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

    const results: Record<string, { mean_loss: number; token_loss: number; tokens: number; examples: number }> = {};
    for (const [name, extra] of [['base', []], ['lora', ['--init-adapter', path.join(tmp, 'lora')]], ['dora', ['--init-adapter', path.join(tmp, 'dora')]]] as const) {
      const r = await cli(['eval', '--model', MODEL, '--data', data, '--batch-size', '2', '--json', ...extra]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      results[name] = JSON.parse(r.out.trim());
      expect(results[name]).toMatchObject({ task: 'loss', examples: 6, tokens: 11 + 1 + 22 + 3 + 4 + story.length - 1 });
    }
    expect(Math.abs(results.lora.mean_loss - results.base.mean_loss)).toBeGreaterThan(1e-2);
    expect(Math.abs(results.dora.mean_loss - results.base.mean_loss)).toBeGreaterThan(1e-2);
    if (!pythonHas('torch', 'numpy')) {
      console.warn('skipping the PyTorch eval reference: python3 lacks torch');
      return;
    }
    const ref = runPython<Record<string, { mean_loss: number; token_loss: number; tokens: number }>>(TORCH_REFERENCE, {
      model: MODEL,
      rows,
      adapters: { base: null, lora: path.join(tmp, 'lora'), dora: path.join(tmp, 'dora') },
    });
    for (const name of ['base', 'lora', 'dora']) {
      expect(results[name].tokens).toBe(ref[name].tokens);
      expect(Math.abs(results[name].mean_loss - ref[name].mean_loss), `${name} mean_loss ${results[name].mean_loss} vs ${ref[name].mean_loss}`).toBeLessThanOrEqual(1e-4);
      expect(Math.abs(results[name].token_loss - ref[name].token_loss), `${name} token_loss`).toBeLessThanOrEqual(1e-4);
    }
  });
});
