# Independent PyTorch reference for stories260K with a PEFT adapter directory applied by hand.
# Reads the llama2.c .bin itself (Meta layout: RoPE on adjacent pairs) and the adapter's
# safetensors itself (no fish-tuning code). HF-layout tensors (k_proj output features, prefix keys)
# are mapped back to Meta layout: HF row j of a head is Meta row 2j (j < hd/2) or 2(j-hd/2)+1.
# INPUT: {bin, adapter_dir (null: the bare model), ids: [[...]]}; prints {logits: flat, loss: [b]}.
import json, struct, os
import numpy as np
import torch

torch.set_default_dtype(torch.float64)

def read_bin(path):
    raw = open(path, 'rb').read()
    dim, hidden, L, H, KV, vocab, seq = struct.unpack('7i', raw[:28])
    shared = vocab > 0
    vocab = abs(vocab)
    f = np.frombuffer(raw, dtype=np.float32, offset=28)
    off = [0]
    def take(*shape):
        n = int(np.prod(shape)); a = f[off[0]:off[0] + n].reshape(shape); off[0] += n
        return torch.tensor(a.astype(np.float64))
    hd = dim // H
    w = dict(emb=take(vocab, dim), rms_att=take(L, dim), wq=take(L, dim, dim), wk=take(L, KV * hd, dim), wv=take(L, KV * hd, dim),
             wo=take(L, dim, dim), rms_ffn=take(L, dim), w1=take(L, hidden, dim), w2=take(L, dim, hidden), w3=take(L, hidden, dim), rms_final=take(dim))
    take(seq, hd // 2); take(seq, hd // 2)
    w['wcls'] = w['emb'] if shared else take(vocab, dim)
    return dict(dim=dim, hidden=hidden, L=L, H=H, KV=KV, hd=hd, vocab=vocab), w

def read_safetensors(path):
    raw = open(path, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == '__metadata__': continue
        assert e['dtype'] == 'F32', e['dtype']
        a, b = e['data_offsets']
        out[name] = torch.tensor(np.frombuffer(raw[8 + n + a:8 + n + b], dtype=np.float32).reshape(e['shape']).astype(np.float64))
    return out

def hf_to_meta(x, hd):
    # last axis holds one head's hd features in HF order → Meta (interleaved) order
    half = hd // 2
    out = torch.empty_like(x)
    out[..., 0::2] = x[..., :half]
    out[..., 1::2] = x[..., half:]
    return out

c, w = read_bin(INPUT['bin'])
if INPUT.get('adapter_dir'):
    cfg = json.load(open(os.path.join(INPUT['adapter_dir'], 'adapter_config.json')))
    t_ = read_safetensors(os.path.join(INPUT['adapter_dir'], 'adapter_model.safetensors'))
else:
    cfg, t_ = {'peft_type': None}, {}
ids = torch.tensor(INPUT['ids'])
b, t = ids.shape
L, H, KV, hd, dim = c['L'], c['H'], c['KV'], c['hd'], c['dim']

P = 0
pk = pv = None
if cfg['peft_type'] == 'PREFIX_TUNING':
    P = cfg['num_virtual_tokens']
    assert cfg['num_attention_heads'] == KV and cfg['token_dim'] == KV * hd and cfg['num_layers'] == L
    pkv = t_['prompt_embeddings'].view(P, L * 2, KV, hd).permute(1, 2, 0, 3)  # [2L, KV, P, hd], PEFT get_prompt
    pk = [hf_to_meta(pkv[2 * i], hd) for i in range(L)]
    pv = [pkv[2 * i + 1] for i in range(L)]

def ia3(path, n):
    key = 'base_model.model.' + path + '.ia3_l'
    return t_[key].reshape(-1) if (cfg['peft_type'] == 'IA3' and key in t_) else torch.ones(n)

def rms(x, g):
    return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + 1e-5) * g

pos = torch.arange(t, dtype=torch.float64) + P
freqs = 1.0 / (10000.0 ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
ang = pos[:, None] * freqs[None, :]
cos, sin = torch.cos(ang), torch.sin(ang)
def rope(x):
    a, bb = x[..., 0::2], x[..., 1::2]
    out = torch.empty_like(x)
    out[..., 0::2] = a * cos - bb * sin
    out[..., 1::2] = a * sin + bb * cos
    return out

mask = torch.full((t, P + t), float('-inf'))
for i in range(t):
    mask[i, :P + i + 1] = 0
x = w['emb'][ids]
for i in range(L):
    h = rms(x, w['rms_att'][i])
    lk = hf_to_meta(ia3(f'model.layers.{i}.self_attn.k_proj', KV * hd).view(KV, hd), hd).reshape(-1)
    lv = ia3(f'model.layers.{i}.self_attn.v_proj', KV * hd)
    q = (h @ w['wq'][i].T).view(b, t, H, hd).transpose(1, 2)
    k = ((h @ w['wk'][i].T) * lk).view(b, t, KV, hd).transpose(1, 2)
    v = ((h @ w['wv'][i].T) * lv).view(b, t, KV, hd).transpose(1, 2)
    q, k = rope(q), rope(k)
    if P:
        k = torch.cat([pk[i].unsqueeze(0).expand(b, -1, -1, -1), k], 2)
        v = torch.cat([pv[i].unsqueeze(0).expand(b, -1, -1, -1), v], 2)
    k = k.repeat_interleave(H // KV, dim=1)
    v = v.repeat_interleave(H // KV, dim=1)
    att = torch.softmax(q @ k.transpose(-1, -2) / hd ** 0.5 + mask, -1)
    x = x + (att @ v).transpose(1, 2).reshape(b, t, dim) @ w['wo'][i].T
    h = rms(x, w['rms_ffn'][i])
    ff = torch.nn.functional.silu(h @ w['w1'][i].T) * (h @ w['w3'][i].T)
    ff = ff * ia3(f'model.layers.{i}.mlp.down_proj', c['hidden'])
    x = x + ff @ w['w2'][i].T
logits = rms(x, w['rms_final']) @ w['wcls'].T
lp = torch.log_softmax(logits[:, :-1], -1)
nll = -lp.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
print(json.dumps({'logits': logits.reshape(-1).tolist(), 'loss': nll.mean(1).tolist()}))
