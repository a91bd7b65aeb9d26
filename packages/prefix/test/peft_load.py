# Python PEFT loads a fish-tuning adapter directory onto a Hugging Face LlamaForCausalLM built from the
# stories260K llama2.c .bin (q/k permuted to HF's rotate-half layout, as transformers' conversion script does).
# Needs `peft` and `transformers` (skipped otherwise). INPUT: {bin, adapter_dir, ids}; prints {logits, loss}.
import json, struct
import numpy as np
import torch
from transformers import LlamaConfig, LlamaForCausalLM
from peft import PeftModel

raw = open(INPUT['bin'], 'rb').read()
dim, hidden, L, H, KV, vocab, seq = struct.unpack('7i', raw[:28])
shared = vocab > 0
vocab = abs(vocab)
f = np.frombuffer(raw, dtype=np.float32, offset=28)
off = [0]
def take(*shape):
    n = int(np.prod(shape)); a = f[off[0]:off[0] + n].reshape(shape); off[0] += n
    return torch.tensor(a.copy())
hd = dim // H
emb = take(vocab, dim); rms_att = take(L, dim); wq = take(L, dim, dim); wk = take(L, KV * hd, dim); wv = take(L, KV * hd, dim)
wo = take(L, dim, dim); rms_ffn = take(L, dim); w1 = take(L, hidden, dim); w2 = take(L, dim, hidden); w3 = take(L, hidden, dim); rms_final = take(dim)

def permute(w, heads):
    d1, d2 = w.shape
    return w.view(heads, d1 // heads // 2, 2, d2).transpose(1, 2).reshape(d1, d2)

cfg = LlamaConfig(vocab_size=vocab, hidden_size=dim, intermediate_size=hidden, num_hidden_layers=L, num_attention_heads=H,
                  num_key_value_heads=KV, max_position_embeddings=seq, rms_norm_eps=1e-5, tie_word_embeddings=shared,
                  attn_implementation='eager')
model = LlamaForCausalLM(cfg).eval()
sd = {'model.embed_tokens.weight': emb, 'model.norm.weight': rms_final, 'lm_head.weight': emb}
for i in range(L):
    p = f'model.layers.{i}.'
    sd.update({p + 'self_attn.q_proj.weight': permute(wq[i], H), p + 'self_attn.k_proj.weight': permute(wk[i], KV),
               p + 'self_attn.v_proj.weight': wv[i], p + 'self_attn.o_proj.weight': wo[i], p + 'mlp.gate_proj.weight': w1[i],
               p + 'mlp.down_proj.weight': w2[i], p + 'mlp.up_proj.weight': w3[i], p + 'input_layernorm.weight': rms_att[i],
               p + 'post_attention_layernorm.weight': rms_ffn[i]})
missing, unexpected = model.load_state_dict(sd, strict=False)
assert not unexpected and all('rotary' in m for m in missing), (missing, unexpected)
peft_model = PeftModel.from_pretrained(model, INPUT['adapter_dir']).eval()
ids = torch.tensor(INPUT['ids'])
with torch.no_grad():
    out = peft_model(input_ids=ids, attention_mask=torch.ones_like(ids))
logits = out.logits.double()
lp = torch.log_softmax(logits[:, :-1], -1)
nll = -lp.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
print(json.dumps({'logits': logits.reshape(-1).tolist(), 'loss': nll.mean(1).tolist(), 'peft_type': str(peft_model.peft_config['default'].peft_type)}))
