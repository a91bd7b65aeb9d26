/**
 * Independent PyTorch reference for the Llama tests: reads a llama2.c `.bin` itself and runs Meta's
 * forward (adjacent-pair RoPE through complex numbers, repeated kv heads, float64), so it shares
 * nothing with the HF permutation in src/llama/llama2c.ts. Prefix keys arrive in the model's HF
 * head layout and are mapped to Meta's (HF index c·half + a ↔ Meta index 2a + c) here.
 */
export const LLAMA_REFERENCE = String.raw`
import struct, math
import numpy as np, torch
torch.set_grad_enabled(False)

def load(path):
    b = open(path, 'rb').read()
    dim, hidden, L, nh, nkv, vocab, seq = struct.unpack('7i', b[:28])
    shared = vocab > 0
    vocab = abs(vocab)
    w = np.frombuffer(b, dtype=np.float32, offset=28)
    hd = dim // nh
    kvd = hd * nkv
    shapes = [('tok', (vocab, dim)), ('rms_att', (L, dim)), ('wq', (L, dim, dim)), ('wk', (L, kvd, dim)),
              ('wv', (L, kvd, dim)), ('wo', (L, dim, dim)), ('rms_ffn', (L, dim)), ('w1', (L, hidden, dim)),
              ('w2', (L, dim, hidden)), ('w3', (L, hidden, dim)), ('rms_final', (dim,)),
              ('fr', (seq, hd // 2)), ('fi', (seq, hd // 2))]
    if not shared:
        shapes.append(('wcls', (vocab, dim)))
    P = {}
    o = 0
    for n, s in shapes:
        k = int(np.prod(s))
        P[n] = torch.tensor(w[o:o + k].reshape(s).astype(np.float64))
        o += k
    assert o == w.size, (o, w.size)
    if shared:
        P['wcls'] = P['tok']
    return P, dict(dim=dim, L=L, nh=nh, nkv=nkv, hd=hd, vocab=vocab)

def rope_meta(x, pos):
    hd = x.shape[-1]
    freqs = 1.0 / (10000.0 ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    ang = pos[:, None].double() * freqs[None, :]
    xc = torch.view_as_complex(x.reshape(*x.shape[:-1], hd // 2, 2).contiguous())
    out = xc * torch.polar(torch.ones_like(ang), ang)
    return torch.view_as_real(out).reshape(x.shape)

def hf_to_meta_head(k):
    hd = k.shape[-1]
    half = hd // 2
    out = torch.empty_like(k)
    for c in range(2):
        for a in range(half):
            out[..., 2 * a + c] = k[..., c * half + a]
    return out

def rms(x, w):
    return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + 1e-5) * w

def forward(P, cfg, ids, mask=None, prefix=None):
    ids = torch.tensor(ids, dtype=torch.long)
    b, t = ids.shape
    nh, nkv, hd = cfg['nh'], cfg['nkv'], cfg['hd']
    l = 0 if prefix is None else prefix[0][0].shape[2]
    x = P['tok'][ids]
    pos = torch.arange(l, l + t)
    vis = torch.tril(torch.ones(t, t, dtype=torch.bool))[None].expand(b, t, t).clone()
    if mask is not None:
        vis = vis & torch.tensor(mask, dtype=torch.bool)[:, None, :]
    if l:
        vis = torch.cat([torch.ones(b, t, l, dtype=torch.bool), vis], 2)
    for i in range(cfg['L']):
        h = rms(x, P['rms_att'][i])
        q = (h @ P['wq'][i].T).view(b, t, nh, hd).transpose(1, 2)
        k = (h @ P['wk'][i].T).view(b, t, nkv, hd).transpose(1, 2)
        v = (h @ P['wv'][i].T).view(b, t, nkv, hd).transpose(1, 2)
        q = rope_meta(q, pos)
        k = rope_meta(k, pos)
        if l:
            pk, pv = prefix[i]
            k = torch.cat([hf_to_meta_head(pk), k], 2)
            v = torch.cat([pv, v], 2)
        k = k.repeat_interleave(nh // nkv, dim=1)
        v = v.repeat_interleave(nh // nkv, dim=1)
        s = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        s = s.masked_fill(~vis[:, None], float('-inf'))
        a = (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(b, t, nh * hd)
        x = x + a @ P['wo'][i].T
        h = rms(x, P['rms_ffn'][i])
        g = h @ P['w1'][i].T
        x = x + ((g * torch.sigmoid(g)) * (h @ P['w3'][i].T)) @ P['w2'][i].T
    return rms(x, P['rms_final']) @ P['wcls'].T

def per_example_loss(logits, labels):
    labels = torch.tensor(labels, dtype=torch.long)[:, 1:]
    logp = torch.log_softmax(logits[:, :-1], -1)
    keep = labels != -100
    nll = -logp.gather(-1, labels.clamp(min=0)[..., None])[..., 0] * keep
    return (nll.sum(1) / keep.sum(1).clamp(min=1)).tolist()

def greedy(P, cfg, ids, n):
    ids = list(ids)
    out = []
    for _ in range(n):
        nxt = int(forward(P, cfg, [ids])[0, -1].argmax())
        out.append(nxt)
        ids.append(nxt)
    return out

def prefix_from(arrs, b, nkv, l, hd):
    return [(torch.tensor(k, dtype=torch.float64).reshape(b, nkv, l, hd), torch.tensor(v, dtype=torch.float64).reshape(b, nkv, l, hd)) for k, v in arrs]
`;
