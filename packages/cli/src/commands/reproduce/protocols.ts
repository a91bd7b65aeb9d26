/**
 * The paper's experiments as grids of cells. Each protocol says which cells exist (rows × selections ×
 * tasks × seeds); the report lays them out in the paper's tables.
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';
import { percent, type Cell, type Selection } from './cell.js';

export const PROTOCOLS = ['fixed-ratio', 'masks', 'epochs', 'lori', 'resources'] as const;
export type ProtocolName = (typeof PROTOCOLS)[number];

export interface GridOptions {
  tasks: readonly string[];
  seeds: readonly number[];
  methods: readonly string[];
  /** Ratio2 values (fractions of the PEFT entries) for masks / epochs / lori / resources. */
  ratios?: readonly number[];
  /** Encoder/decoder depth of the model (number of layers), for the layer groups of fixed-ratio. */
  depth: number;
  /** Rank for LoRA/DoRA (default per protocol, Table 13). */
  rank?: number;
  /** Layers of the fixed-layer protocols (masks, epochs, lori, resources); default 'all' (the paper). */
  layers?: string;
}

/** Table 9 / Figure 4 ratios. */
export const MASK_RATIOS = [0.5, 0.25, 0.1, 0.05, 0.01, 0.005];
/** Table 4 ratios (% of the LoRA entries). */
export const LORI_RATIOS = [0.00018, 0.00036, 0.0018, 0.0036, 0.009];

export interface ProtocolInfo {
  title: string;
  paper: string;
  defaultMethods: string[];
  defaultRatios: number[];
  /** Table 13: rank 1 when fixing the proportion, 16 when fixing the layers. */
  defaultRank: number;
}

export const PROTOCOL_INFO: Record<ProtocolName, ProtocolInfo> = {
  'fixed-ratio': { title: 'Fixing the proportion of trainable parameters', paper: 'Tables 1/2 (6/7)', defaultMethods: ['lora'], defaultRatios: [], defaultRank: 1 },
  masks: { title: 'Fixing the trainable layers: FISH vs random vs reverse masks', paper: 'Tables 3/8/9, Figure 4', defaultMethods: ['lora'], defaultRatios: MASK_RATIOS, defaultRank: 16 },
  epochs: { title: 'Score per epoch at one ratio', paper: 'Figures 5/6', defaultMethods: ['lora'], defaultRatios: [0.01], defaultRank: 16 },
  lori: { title: 'LoRI vs FISH-Tuning at equal trainable count', paper: 'Table 4', defaultMethods: ['lora'], defaultRatios: LORI_RATIOS, defaultRank: 16 },
  resources: { title: 'Time per epoch and peak memory per ratio', paper: 'Table 5', defaultMethods: ['lora'], defaultRatios: MASK_RATIOS, defaultRank: 16 },
};

/**
 * Layer groups of the fixed-ratio protocol for a model of `depth` layers: the original method on the
 * top n layers vs FISH on the top `fishLayers`, choosing as many entries as the original trains.
 * Most methods: top 1..4 vs top 5 (the paper, BERT-base, 12 layers), kept as absolute counts and capped
 * at depth − 1 / depth. (IA)^3: the paper's 3/5/8/10 vs 12 of 12 layers scaled by depth / 12, rounded
 * half up (6 layers: 2/3/4/5 vs 6), duplicates dropped.
 */
export function fixedRatioGroups(method: string, depth: number): { vanilla: number[]; fishLayers: number } {
  if (depth < 2) throw new FishTuningError(`fixed-ratio needs a model with at least 2 layers, got ${depth}`, { option: '--model' });
  if (method === 'ia3') {
    const scaled = [3, 5, 8, 10].map((n) => Math.min(depth - 1, Math.max(1, Math.floor((n * depth) / 12 + 0.5))));
    return { vanilla: [...new Set(scaled)], fishLayers: depth };
  }
  const fishLayers = Math.min(5, depth);
  return { vanilla: [1, 2, 3, 4].filter((n) => n < fishLayers), fishLayers };
}

function id(c: Omit<Cell, 'id'>): Cell {
  return { id: `${c.protocol}/${c.task}/${c.method}/${c.selection}/${c.row}/s${c.seed}`, ...c };
}

const RANKED = new Set(['lora', 'dora']);

/** Every cell of `protocol`, seed-major (all tasks of the first seed first), so partial grids are balanced. */
export function buildGrid(protocol: ProtocolName, o: GridOptions): Cell[] {
  const info = PROTOCOL_INFO[protocol];
  const cells: Cell[] = [];
  const ratios = o.ratios ?? info.defaultRatios;
  for (const seed of o.seeds)
    for (const task of o.tasks)
      for (const method of o.methods) {
        const rank = RANKED.has(method) ? (o.rank ?? info.defaultRank) : undefined;
        const base = { protocol, task, method, seed, ...(rank !== undefined ? { rank } : {}) };
        const layers = o.layers ?? 'all';
        const masked = (selections: Selection[], layers: string) => {
          for (const ratio of ratios) for (const selection of selections) cells.push(id({ ...base, selection, layers, ratio, row: percent(ratio) }));
        };
        switch (protocol) {
          case 'fixed-ratio': {
            const g = fixedRatioGroups(method, o.depth);
            for (const n of g.vanilla) {
              cells.push(id({ ...base, selection: 'dense', layers: `top:${n}`, row: `top:${n}` }));
              cells.push(id({ ...base, selection: 'fish', layers: `top:${g.fishLayers}`, countLike: { layers: `top:${n}` }, row: `top:${n}` }));
            }
            break;
          }
          case 'masks':
            cells.push(id({ ...base, selection: 'dense', layers, row: '100%' }));
            masked(['fish', 'random', 'reverse'], layers);
            break;
          case 'epochs':
            masked(['fish', 'random', 'reverse'], layers);
            break;
          case 'lori':
            masked(['lori', 'fish'], layers);
            break;
          case 'resources':
            cells.push(id({ ...base, selection: 'dense', layers, row: '100%' }));
            masked(['fish'], layers);
            break;
        }
      }
  if (protocol === 'lori' && o.methods.some((m) => m !== 'lora')) throw new FishTuningError('lori compares LoRA variants; use --methods lora', { option: '--methods' });
  return cells;
}
