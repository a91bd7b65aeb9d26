/**
 * The one place where the page calls the FISH method: the library's `fishTune()` (Fisher → mask → masked
 * training with the trainer's AdamW), its progress mapped to the page's phases. DOM-free and backend-free:
 * the headless test and Node run the same code as the page.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { collate, disposeBatch, registerTuner, registeredTuners, type Example, type PeftAdapter, type PeftTargetModel } from '@fish-tuning/core';
import { fisherToBytes } from '@fish-tuning/fisher';
import { loraTuner, type LoraOptions } from '@fish-tuning/lora';
import type { Mask, MaskSelection } from '@fish-tuning/mask';
import { fishTune } from '@fish-tuning/pipeline';
import { offGpu } from './init-off-gpu';

export type Phase = 'fisher' | 'mask' | 'train';

export interface PipelineProgress {
  phase: Phase;
  /** Units done (samples for Fisher, steps for training) out of `total`. */
  done: number;
  total: number;
  /** Training loss of the step just done (train phase only). */
  loss?: number;
  /** The mask, once selected (mask phase only). */
  mask?: Mask;
}

export interface FishTuneRunOptions {
  model: PeftTargetModel;
  /** LoRA options in PEFT names; the page gives `init_lora_weights: 'pissa'` for FISH and random alike. */
  config: LoraOptions;
  train: readonly Example[];
  /** 'fish' (top-k Fisher), 'random' (the paper's control), or 'none' (dense). */
  selection: MaskSelection | 'none';
  /** Fraction of the LoRA entries trained. */
  ratio: number;
  steps: number;
  lr: number;
  /** Examples per step; default all of them (full batch). */
  batchSize?: number;
  /** Fisher samples; default all training examples. */
  fisherSamples?: number;
  seed?: number;
  /** The adapter as initialised, once the mask is chosen and before the first update (to record the start). */
  onInjected?: (adapter: PeftAdapter) => void | Promise<void>;
  onProgress?: (p: PipelineProgress) => void | Promise<void>;
}

export interface FishTuneRunResult {
  /** The trained adapter, still injected in the model (dispose it to restore the model). */
  adapter: PeftAdapter;
  mask: Mask | null;
  /** fish_fisher.safetensors bytes (null for random / none). */
  fisherBytes: Uint8Array | null;
  /** Loss of each step (before its update), then the loss after the last update. */
  losses: number[];
}

/**
 * LoRA as the library's tuner, registered under the page's own name so that its init can be kept off WebGPU
 * (init-off-gpu.ts); the adapter it makes is the library's, saved as PEFT 'LORA'.
 */
const PAGE_LORA = 'lora-page';
let injected: PeftAdapter | null = null;
function pageLora(): string {
  if (!registeredTuners().includes(PAGE_LORA)) {
    registerTuner({
      ...loraTuner,
      name: PAGE_LORA,
      inject: (model, config, rng) => (injected = offGpu(() => loraTuner.inject(model, config, rng))),
    });
  }
  return PAGE_LORA;
}

/** Mean loss over `examples` in one batch (the page trains on a handful of rows), read asynchronously. */
async function meanLoss(model: PeftTargetModel, examples: readonly Example[]): Promise<number> {
  const batch = collate(examples, model.task);
  try {
    const t = tf.tidy(() => tf.mean(model.perExampleLoss(batch, { training: false })));
    const value = (await t.data())[0];
    t.dispose();
    return value;
  } finally {
    disposeBatch(batch);
  }
}

/** fishTune with the page's settings: constant learning rate, no weight decay, clipping or dropout, fixed order. */
export async function fishTuneRun(o: FishTuneRunOptions): Promise<FishTuneRunResult> {
  const losses: number[] = [];
  let fisherBytes: Uint8Array | null = null;
  const batchSize = o.batchSize ?? o.train.length;
  const result = await fishTune({
    model: o.model,
    method: pageLora(),
    config: o.config as Record<string, unknown>,
    train: o.train,
    mask: o.selection,
    ...(o.selection === 'none' ? {} : { ratio: o.ratio }),
    fisher: { samples: Math.min(o.fisherSamples ?? o.train.length, o.train.length), estimator: 'empirical', chunkSize: Math.min(batchSize, o.train.length) },
    seed: o.seed ?? 0,
    training: {
      maxSteps: o.steps,
      lr: o.lr,
      batchSize,
      schedule: 'constant',
      warmupRatio: 0,
      weightDecay: 0,
      clipNorm: null,
      dropout: false,
      // The frozen-prefix cache reads activations synchronously, which WebGPU cannot do.
      activationCache: tf.getBackend() === 'webgpu' ? 'off' : 'auto',
    },
    onMessage: () => undefined,
    onFisher: async (fisher) => {
      fisherBytes = await fisherToBytes(fisher, { source: 'fish-tuning browser example' });
    },
    onProgress: async (p) => {
      if (p.phase === 'fisher') await o.onProgress?.({ phase: 'fisher', done: p.done, total: p.total });
      else if (p.phase === 'mask') {
        await o.onInjected?.(injected!);
        await o.onProgress?.({ phase: 'mask', done: 1, total: 1, mask: p.mask });
        await o.onProgress?.({ phase: 'train', done: 0, total: o.steps });
      } else if (p.phase === 'train') {
        losses.push(p.step.loss);
        await o.onProgress?.({ phase: 'train', done: p.done, total: p.total, loss: p.step.loss });
        await new Promise((r) => setTimeout(r, 0)); // let the page repaint
      }
    },
  });
  try {
    losses.push(await meanLoss(o.model, o.train.slice(0, batchSize)));
  } catch (e) {
    result.adapter.dispose();
    throw e;
  }
  return { adapter: result.adapter, mask: result.mask, fisherBytes, losses };
}
