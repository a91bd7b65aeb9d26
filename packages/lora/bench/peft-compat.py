"""Loads fish-tuning adapter directories with Hugging Face PEFT onto stories260K (converted from the llama2.c
checkpoint to a transformers LlamaForCausalLM) and prints each adapter's mean per-example and token-weighted
loss on the rows, as JSON. Usage: python peft-compat.py MODEL_DIR ROWS.jsonl NAME=ADAPTER_DIR ..."""
import json, os, struct, sys
import numpy as np
import torch
from transformers import LlamaConfig, LlamaForCausalLM
from peft import PeftModel

model_dir, rows_file, *adapters = sys.argv[1:]
raw = open(os.path.join(model_dir, 'stories260K.bin'), 'rb').read()
dim, hidden, n_layers, n_heads, n_kv, vocab, seq_len = struct.unpack('7i', raw[:28])
arr = np.frombuffer(raw[28:], dtype=np.float32); off = 0
def take(*shape):
    global off
    n = int(np.prod(shape)); t = torch.tensor(arr[off:off + n].reshape(shape).copy()); off += n; return t
hd = dim // n_heads; kvd = n_kv * hd
emb = take(vocab, dim); rms_att = take(n_layers, dim); wq = take(n_layers, dim, dim); wk = take(n_layers, kvd, dim)
wv = take(n_layers, kvd, dim); wo = take(n_layers, dim, dim); rms_ffn = take(n_layers, dim); w1 = take(n_layers, hidden, dim)
w2 = take(n_layers, dim, hidden); w3 = take(n_layers, hidden, dim); rms_final = take(dim)
def permute(w, nh):
    d1, d2 = w.shape
    return w.view(nh, d1 // nh // 2, 2, d2).transpose(1, 2).reshape(d1, d2)
def base_model():
    cfg = LlamaConfig(vocab_size=vocab, hidden_size=dim, intermediate_size=hidden, num_hidden_layers=n_layers, num_attention_heads=n_heads,
                      num_key_value_heads=n_kv, max_position_embeddings=seq_len, rms_norm_eps=1e-5, tie_word_embeddings=True)
    m = LlamaForCausalLM(cfg).eval()
    sd = {'model.embed_tokens.weight': emb, 'model.norm.weight': rms_final, 'lm_head.weight': emb}
    for i in range(n_layers):
        p = f'model.layers.{i}.'
        sd.update({p + 'self_attn.q_proj.weight': permute(wq[i], n_heads), p + 'self_attn.k_proj.weight': permute(wk[i], n_kv),
                   p + 'self_attn.v_proj.weight': wv[i], p + 'self_attn.o_proj.weight': wo[i], p + 'mlp.gate_proj.weight': w1[i],
                   p + 'mlp.up_proj.weight': w3[i], p + 'mlp.down_proj.weight': w2[i], p + 'input_layernorm.weight': rms_att[i],
                   p + 'post_attention_layernorm.weight': rms_ffn[i]})
    m.load_state_dict(sd, strict=False)
    return m
rows = [json.loads(l) for l in open(rows_file) if l.strip()]
def losses(m):
    per, tot, n = [], 0.0, 0
    with torch.no_grad():
        for r in rows:
            ids = torch.tensor([r['input_ids']]); labels = torch.tensor(r.get('labels') or r['input_ids'])
            logits = m(input_ids=ids).logits[0].double()
            tgt = labels[1:]; keep = tgt != -100
            s = torch.nn.functional.cross_entropy(logits[:-1][keep], tgt[keep], reduction='sum').item(); c = int(keep.sum())
            per.append(s / max(c, 1)); tot += s; n += c
    return {'mean_loss': sum(per) / len(per), 'token_loss': tot / n, 'tokens': n}
out = {'base': losses(base_model())}
for spec in adapters:
    name, d = spec.split('=', 1)
    out[name] = losses(PeftModel.from_pretrained(base_model(), d).eval())
print(json.dumps(out))
