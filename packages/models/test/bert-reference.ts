/**
 * Test helpers for BERT: random checkpoints written as a Hugging Face directory, and an independent
 * PyTorch forward (float64, written from transformers' equations, not from our code) over the same files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Rng } from '@fish-tuning/core';
import { writeSafetensorsFile } from '@fish-tuning/core/node';
import { bertConfig, bertTensorShapes, type BertConfig } from '../src/bert/index.js';

export const TINY_CONFIG = {
  model_type: 'bert',
  vocab_size: 40,
  hidden_size: 16,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  intermediate_size: 24,
  max_position_embeddings: 24,
  type_vocab_size: 2,
  layer_norm_eps: 1e-5,
  hidden_act: 'gelu',
  num_labels: 3,
} as const;

export function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `bert-${tag}-`));
}

/** Random weights (biases and LayerNorm too, so every term matters) for every tensor, named as in HF. */
export function randomWeights(config: BertConfig, seed: number, options: { prefix?: string; numLabels?: number } = {}): Map<string, { shape: number[]; data: Float32Array; dtype: 'F32' }> {
  const rng = new Rng(seed);
  const out = new Map<string, { shape: number[]; data: Float32Array; dtype: 'F32' }>();
  const add = (name: string, shape: number[], center = 0) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = center + 0.5 * rng.normal();
    out.set(name, { shape, data, dtype: 'F32' });
  };
  for (const [name, shape] of bertTensorShapes(config)) add((options.prefix ?? 'bert.') + name, shape, name.endsWith('LayerNorm.weight') ? 1 : 0);
  if (options.numLabels) {
    add('classifier.weight', [options.numLabels, config.hidden_size]);
    add('classifier.bias', [options.numLabels]);
  }
  return out;
}

/** Writes config.json + model.safetensors into a fresh directory. */
export async function writeCheckpoint(
  config: Record<string, unknown>,
  seed: number,
  options: { prefix?: string; numLabels?: number; edit?: (t: Map<string, { shape: number[]; data: Float32Array; dtype: 'F32' }>) => void } = {},
): Promise<string> {
  const dir = tmpDir('ckpt');
  const tensors = randomWeights(bertConfig(config), seed, options);
  options.edit?.(tensors);
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  await writeSafetensorsFile(path.join(dir, 'model.safetensors'), tensors);
  return dir;
}

/**
 * PyTorch reference. INPUT: {dir, ids, mask, types, labels, regression, prefix?: {key, value, length}}.
 * Prints {hidden, pooled, logits, loss} (flattened), computed in float64.
 */
export const TORCH_BERT = String.raw`
import json, struct, math, numpy as np, torch
torch.set_default_dtype(torch.float64)
d = INPUT["dir"]
cfg = json.load(open(d + "/config.json"))
raw = open(d + "/model.safetensors", "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
hdr = json.loads(raw[8:8 + n])
W = {}
for k, v in hdr.items():
    if k == "__metadata__" or v["dtype"] != "F32": continue
    b, e = v["data_offsets"]
    W[k] = torch.tensor(np.frombuffer(raw[8 + n + b: 8 + n + e], dtype=np.float32).reshape(v["shape"]).astype(np.float64))
P = "bert." if "bert.embeddings.word_embeddings.weight" in W else ""
g = lambda name: W[P + name]
H, nh, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
hd = H // nh
ids = torch.tensor(INPUT["ids"]); B, T = ids.shape
mask = torch.tensor(INPUT["mask"], dtype=torch.float64)
types = torch.tensor(INPUT["types"])
pre = INPUT.get("prefix")
L = pre["length"] if pre else 0
pos = torch.arange(L, L + T)
def ln(x, name): return torch.nn.functional.layer_norm(x, (H,), g(name + ".weight"), g(name + ".bias"), eps)
def lin(x, name): return x @ g(name + ".weight").T + g(name + ".bias")
x = g("embeddings.word_embeddings.weight")[ids] + g("embeddings.position_embeddings.weight")[pos][None] + g("embeddings.token_type_embeddings.weight")[types]
x = ln(x, "embeddings.LayerNorm")
full = torch.cat([torch.ones(B, L), mask], 1) if L else mask
ext = (1.0 - full)[:, None, None, :] * torch.finfo(torch.float64).min
act = cfg.get("hidden_act", "gelu")
for i in range(cfg["num_hidden_layers"]):
    p = f"encoder.layer.{i}."
    split = lambda t: t.view(B, T, nh, hd).transpose(1, 2)
    q, k, v = split(lin(x, p + "attention.self.query")), split(lin(x, p + "attention.self.key")), split(lin(x, p + "attention.self.value"))
    if pre:
        pk = torch.tensor(pre["key"][i]).view(B, nh, L, hd); pv = torch.tensor(pre["value"][i]).view(B, nh, L, hd)
        k = torch.cat([pk, k], 2); v = torch.cat([pv, v], 2)
    s = q @ k.transpose(-1, -2) / math.sqrt(hd) + ext
    c = (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(B, T, H)
    x = ln(lin(c, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
    h = lin(x, p + "intermediate.dense")
    h = torch.nn.functional.gelu(h) if act == "gelu" else torch.relu(h)
    x = ln(lin(h, p + "output.dense") + x, p + "output.LayerNorm")
pooled = torch.tanh(lin(x[:, 0], "pooler.dense"))
out = {"hidden": x.flatten().tolist(), "pooled": pooled.flatten().tolist()}
if "classifier.weight" in W:
    cw = W["classifier.weight"].clone().requires_grad_(True)
    logits = pooled @ cw.T + W["classifier.bias"]
    if INPUT["regression"]:
        loss = (logits[:, 0] - torch.tensor(INPUT["labels"])) ** 2
    else:
        loss = torch.nn.functional.cross_entropy(logits, torch.tensor(INPUT["labels"]), reduction="none")
    loss.mean().backward()
    out.update(logits=logits.flatten().tolist(), loss=loss.tolist(), grad=cw.grad.flatten().tolist())
print(json.dumps(out))
`;
