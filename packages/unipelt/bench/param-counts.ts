/**
 * Trainable-parameter counts of Adapter, Prefix, (IA)^3 and UniPELT on BERT-base-cased at the paper's
 * settings, from dimensions only (the same count functions the tests check against injected adapters).
 * Run: pnpm exec esbuild packages/unipelt/bench/param-counts.ts --bundle --platform=node --format=esm \
 *        --outfile=node_modules/.cache/param-counts.mjs && node node_modules/.cache/param-counts.mjs
 * @module
 */
import { ia3ParameterCount } from '../../ia3/src/count.js';
import { prefixParameterCount } from '../../prefix/src/count.js';
import { adapterParameterCount } from '../../adapter/src/count.js';
import { unipeltParameterCount } from '../src/count.js';

// bert-base-cased: vocab 28996, 512 positions, 2 segment types, d 768, 12 layers × 12 heads, FFN 3072.
const d = 768;
const ff = 3072;
const L = 12;
const dims = { numLayers: L, hiddenSize: d, numHeads: 12, numKvHeads: 12, headDim: 64, intermediateSize: ff, vocabSize: 28996 };
const embeddings = 28996 * d + 512 * d + 2 * d + 2 * d;
const layer = 4 * (d * d + d) + 2 * d + (d * ff + ff) + (ff * d + d) + 2 * d;
const pooler = d * d + d;
const BASE = embeddings + L * layer + pooler;

const rows: Array<[string, string, number]> = [];
for (const n of [1, 2, 3, 4]) rows.push(['Adapter (Houlsby, 2 per layer, reduction_factor 16 → r 48, biases)', `top ${n}`, adapterParameterCount(dims, n, 16)]);
for (const n of [1, 2, 3, 4]) rows.push(['Adapter (Houlsby, 2 per layer, bottleneck 64, biases)', `top ${n}`, adapterParameterCount(dims, n, d / 64)]);
for (const n of [1, 2, 3, 4]) rows.push(['Prefix (l = 30, direct prompt_embeddings)', `top ${n}`, prefixParameterCount(dims, 30, n)]);
rows.push(['Prefix (l = 30, direct prompt_embeddings)', 'all 12', prefixParameterCount(dims, 30, L)]);
for (const n of [3, 5, 8, 10]) rows.push(['(IA)^3 (l_k, l_v, l_ff)', `top ${n}`, ia3ParameterCount(dims, n)]);
rows.push(['(IA)^3 (l_k, l_v, l_ff)', 'all 12', ia3ParameterCount(dims, L)]);
const uni = unipeltParameterCount(dims, L, { r: 8, loraTargets: [[d, d], [d, d]], reductionFactor: 16, adaptersPerLayer: 1, prefixLength: 10 });
rows.push(['UniPELT (LoRA r 8 on query+value, adapter rf 16 after FFN, prefix l 10, gates)', 'all 12', uni.total]);

console.log(`BERT-base-cased parameters (embeddings + 12 layers + pooler, no classifier): ${BASE.toLocaleString('en-US')}\n`);
console.log('| method | layers | trainable | % of BERT-base-cased |');
console.log('|---|---|---:|---:|');
for (const [m, l, n] of rows) console.log(`| ${m} | ${l} | ${n.toLocaleString('en-US')} | ${((100 * n) / BASE).toFixed(4)}% |`);
console.log(`\nUniPELT parts: LoRA ${uni.lora.toLocaleString('en-US')}, adapter ${uni.adapter.toLocaleString('en-US')}, prefix ${uni.prefix.toLocaleString('en-US')}, gates ${uni.gates.toLocaleString('en-US')}`);
