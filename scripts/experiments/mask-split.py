"""Where a run's mask landed: selected entries per LoRA tensor (lora_A vs lora_B) and how many Fisher entries are zero.
   /usr/bin/python3 scripts/experiments/mask-split.py <run dir>   (reads fish_mask.safetensors, fish_fisher.safetensors)"""
import json, struct, sys, os
import numpy as np

def load(f):
    b = open(f, 'rb').read(); n = struct.unpack('<Q', b[:8])[0]; h = json.loads(b[8:8 + n]); out = {}
    for k, v in h.items():
        if k == '__metadata__': continue
        s, e = v['data_offsets']
        dt = {'F32': np.float32, 'U8': np.uint8, 'BOOL': np.bool_, 'I8': np.int8}[v['dtype']]
        out[k] = np.frombuffer(b[8 + n + s:8 + n + e], dtype=dt).reshape(v['shape'])
    return out

d = sys.argv[1]
m = load(os.path.join(d, 'fish_mask.safetensors'))
tot = {'lora_A': 0, 'lora_B': 0}
for k in sorted(m):
    kind = 'lora_A' if 'lora_A' in k else 'lora_B'
    tot[kind] += int(m[k].astype(bool).sum())
print('selected', tot)
fp = os.path.join(d, 'fish_fisher.safetensors')
if os.path.exists(fp):
    f = load(fp)
    for kind in ('lora_A', 'lora_B'):
        vals = np.concatenate([f[k].ravel() for k in f if kind in k])
        print('fisher', kind, 'entries', vals.size, 'nonzero', int((vals > 0).sum()), 'max', float(vals.max()))
