#!/usr/bin/env node
// Memory plan for the paper's models (docs/models.md): parameter bytes from each model's config.json
// values (written out below, from the Hugging Face hub configs), and an estimate of the activation bytes a
// training step keeps for the backward pass at the paper's batch and sequence length (Table 12/15).
// Run: node scripts/models-memory.mjs  (prints the markdown table rows)
const GiB = 1024 ** 3;

const MODELS = [
  // name, kind, vocab, hidden, layers, heads, kvHeads, headDim, ff, tied, extra, batch, seq, maxLayerNote
  { name: 'BERT-base-cased', kind: 'bert', vocab: 28996, d: 768, L: 12, h: 12, kv: 12, hd: 64, ff: 3072, positions: 512, types: 2, batch: 32, seq: 128 },
  { name: 'ModernBERT-base', kind: 'modernbert', vocab: 50368, d: 768, L: 22, h: 12, kv: 12, hd: 64, ff: 1152, batch: 32, seq: 128 },
  { name: 'LLaMA-3.2-1B', kind: 'llama', vocab: 128256, d: 2048, L: 16, h: 32, kv: 8, hd: 64, ff: 8192, tied: true, batch: 32, seq: 128, genBatch: 4, genSeq: 512 },
  { name: 'Phi-4-mini-instruct', kind: 'phi3', vocab: 200064, d: 3072, L: 32, h: 24, kv: 8, hd: 128, ff: 8192, tied: true, batch: 4, seq: 512 },
  { name: 'Qwen2.5-7B', kind: 'qwen2', vocab: 152064, d: 3584, L: 28, h: 28, kv: 4, hd: 128, ff: 18944, tied: false, batch: 4, seq: 512 },
];

function parameters(m) {
  const { d, L, h, kv, hd, ff, vocab } = m;
  if (m.kind === 'bert') {
    const emb = vocab * d + m.positions * d + m.types * d + 2 * d;
    const layer = 3 * (d * d + d) + (d * d + d) + 2 * d + (d * ff + ff) + (ff * d + d) + 2 * d;
    return emb + L * layer + d * d + d; // + pooler
  }
  if (m.kind === 'modernbert') {
    const layer = d * 3 * d + d * d + d * 2 * ff + ff * d + 2 * d; // Wqkv, Wo, Wi, mlp.Wo, norms (no biases)
    return vocab * d + d + L * layer - d /* layer 0 has no attn_norm */ + d + d * d + d; // + final_norm + head
  }
  const q = h * hd;
  const kvd = kv * hd;
  const bias = m.kind === 'qwen2' ? q + 2 * kvd : 0;
  const layer = d * q + 2 * d * kvd + q * d + bias + 3 * d * ff + 2 * d;
  return vocab * d * (m.tied ? 1 : 2) + L * layer + d;
}

/**
 * f32 activations a tfjs training step keeps for backward (every intermediate of the tape), per layer:
 * block inputs and norm outputs (4·d), q/k/v, attention scores and probabilities (2·h·t² per row),
 * the attention context and output (2·d), the MLP's wide intermediates (gate, up, activation, product:
 * 4·ff; GeGLU/BERT similar), plus the head: logits and their softmax for a causal LM (2·vocab per token).
 */
function activations(m, b, t) {
  const { d, L, h, kv, hd, ff } = m;
  const perToken = 4 * d + (h + 2 * kv) * hd + 2 * d + 4 * ff;
  const perLayer = b * t * perToken + 2 * b * h * t * t;
  const head = m.kind === 'bert' || m.kind === 'modernbert' ? b * d * 4 : 2 * b * t * m.vocab;
  return 4 * (L * perLayer + head + b * t * d * 2);
}

const fmt = (bytes) => (bytes >= GiB ? `${(bytes / GiB).toFixed(2)} GiB` : `${(bytes / 1024 ** 2).toFixed(0)} MiB`);
console.log('| model | parameters | f32 bytes | bf16 bytes | batch × seq | activations (f32, est.) | largest tensor (f32) |');
console.log('|---|---|---|---|---|---|---|');
for (const m of MODELS) {
  const p = parameters(m);
  const rows = [[m.batch, m.seq]];
  if (m.genBatch) rows.push([m.genBatch, m.genSeq]);
  const act = rows.map(([b, t]) => `${b} × ${t}: ${fmt(activations(m, b, t))}`).join('; ');
  const largest = Math.max(m.vocab * m.d, m.d * Math.max(3 * m.d, 2 * m.ff, m.ff)) * 4;
  console.log(`| ${m.name} | ${(p / 1e6).toFixed(1)} M | ${fmt(4 * p)} | ${fmt(2 * p)} | ${rows.map(([b, t]) => `${b} × ${t}`).join(', ')} | ${act} | ${fmt(largest)} (embedding ${m.vocab} × ${m.d}) |`);
}
