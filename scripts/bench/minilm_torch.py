"""PyTorch side of docs/benchmarks.md: the same MiniLM LoRA step (batch 16 x seq 128, PEFT LoRA r=8 on query,value in
all 6 layers + the classifier head, AdamW, dropout off) and the per-sample Fisher of 128 samples (a loop of one
backward pass per sample, squared LoRA gradients summed). Prints one JSON line. CPU time is process time (all threads).
   /root/.cache/fish-tuning/pyref/bin/python scripts/bench/minilm_torch.py --threads 1 [--steps 3] [--fisher 128]
"""
import argparse, json, random, resource, statistics, time

import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForSequenceClassification

ap = argparse.ArgumentParser()
ap.add_argument('--threads', type=int, default=1)
ap.add_argument('--steps', type=int, default=3)
ap.add_argument('--fisher', type=int, default=128)
ap.add_argument('--model', default='.cache/models/all-MiniLM-L6-v2')
a = ap.parse_args()
torch.set_num_threads(a.threads)
torch.set_num_interop_threads(1)
torch.manual_seed(0)
rng = random.Random(7)
SEQ, BATCH = 128, 16
n = max(a.fisher, BATCH * (a.steps + 1))
ids = torch.tensor([[101] + [1000 + rng.randrange(28000) for _ in range(SEQ - 2)] + [102] for _ in range(n)])
labels = torch.tensor([i % 2 for i in range(n)])

base = AutoModelForSequenceClassification.from_pretrained(a.model, num_labels=2, attn_implementation='eager')
model = get_peft_model(base, LoraConfig(task_type='SEQ_CLS', r=8, lora_alpha=16, target_modules=['query', 'value'], lora_dropout=0.0, init_lora_weights='gaussian'))
model.eval()  # dropout off, as in the tfjs runs (gradients still flow)
trainable = [p for p in model.parameters() if p.requires_grad]
opt = torch.optim.AdamW(trainable, lr=1e-4)


def step(i):
    x, y = ids[i * BATCH:(i + 1) * BATCH], labels[i * BATCH:(i + 1) * BATCH]
    loss = model(input_ids=x, attention_mask=torch.ones_like(x), labels=y).loss
    loss.backward()
    opt.step()
    opt.zero_grad(set_to_none=True)


cpu, wall = [], []
for i in range(a.steps + 1):
    c, w = time.process_time(), time.perf_counter()
    step(i)
    if i > 0:
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)

lora = [(nme, p) for nme, p in model.named_parameters() if p.requires_grad and 'lora_' in nme]
scores = {nme: torch.zeros_like(p) for nme, p in lora}
c, w = time.process_time(), time.perf_counter()
for i in range(a.fisher):
    x = ids[i:i + 1]
    loss = model(input_ids=x, attention_mask=torch.ones_like(x), labels=labels[i:i + 1]).loss
    grads = torch.autograd.grad(loss, [p for _, p in lora])
    for (nme, _), g in zip(lora, grads):
        scores[nme] += g * g
fisher_cpu, fisher_wall = (time.process_time() - c) * 1000, (time.perf_counter() - w) * 1000

print(json.dumps({
    'backend': 'pytorch', 'device': f'torch {torch.__version__} CPU (intra-op threads {torch.get_num_threads()})',
    'step': {'cpuMs': statistics.median(cpu), 'wallMs': statistics.median(wall), 'samples': cpu},
    'fisher': {'samples': a.fisher, 'cpuMs': fisher_cpu, 'wallMs': fisher_wall, 'method': 'loop'},
    'peakRssMiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
