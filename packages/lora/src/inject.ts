/**
 * Puts LoRA layers into a model: core `injectModules` finds the targets (PEFT's matching rules and
 * `layers_to_transform`), each target gets A and B from the configured init, and the result is a
 * `LoraAdapter` (core's WrappingAdapter). DoRA and UniPELT reuse this walk with their own layer factory.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, Linear, WrappingAdapter, injectModules, layerIndexOf, peftTensorName, type Injection, type Module, type PeftTargetModel, type Rng, type TrainableParameter } from '@fish-tuning/core';
import { loraScaling, type LoraConfig } from './config.js';
import { LoraLinear, type LoraLayerOptions } from './layer.js';
import { initLoraPair } from './init.js';
import { pissaInit } from './pissa.js';
import { unmergeLayer } from './merge.js';

/** Builds the layer for one target from its (possibly residualised) base and initial A, B. */
export type LoraLayerFactory = (base: Linear, a: tf.Tensor2D, b: tf.Tensor2D, options: LoraLayerOptions, path: string) => LoraLinear;

export const createLoraLayer: LoraLayerFactory = (base, a, b, options) => new LoraLinear(base, a, b, options);

/** Every layer's tensors (A, B and, for DoRA, the magnitude), PEFT-named; all are FISH candidates. */
function layerParameters(injections: readonly Injection<LoraLinear>[]): TrainableParameter[] {
  return injections.flatMap(({ path, replacement }) =>
    replacement.adapterTensors().map((t) => ({ name: peftTensorName(path, t.suffix), variable: t.variable, module: path, role: t.role, layer: layerIndexOf(path), fishCandidate: true })),
  );
}

/** The injected LoRA (or DoRA) adapter: layers by path, PEFT-named tensors, the saved head; dispose() puts the model back. */
export class LoraAdapter<C extends LoraConfig = LoraConfig, L extends LoraLinear = LoraLinear> extends WrappingAdapter<C, L> {
  constructor(
    config: C,
    model: PeftTargetModel,
    injections: readonly Injection<L>[],
    /** Base layers this adapter created (PiSSA residuals); their kernels are freed on dispose. */
    private readonly ownedBases: readonly Linear[] = [],
  ) {
    super(config, model, injections, layerParameters(injections));
  }

  /** Unmerges if merged, restores the original modules and frees the adapter's tensors. */
  protected override release(): void {
    for (const layer of this.layers.values()) if (layer.merged) unmergeLayer(layer);
    super.release();
    for (const base of this.ownedBases) base.kernel.dispose();
  }
}

/** Injects freshly initialised LoRA layers into `model` (in place); `dispose()` on the result undoes it. */
export function injectLora<C extends LoraConfig, L extends LoraLinear = LoraLinear>(
  model: PeftTargetModel,
  config: C,
  rng: Rng,
  factory: (base: Linear, a: tf.Tensor2D, b: tf.Tensor2D, options: LoraLayerOptions, path: string) => L = createLoraLayer as never,
): LoraAdapter<C, L> {
  if (config.use_dora && factory === (createLoraLayer as unknown)) {
    throw new FishTuningError("use_dora is true: inject with @fish-tuning/dora's doraTuner / injectDora", { option: 'use_dora' });
  }
  const scaling = loraScaling(config);
  const options: LoraLayerOptions = { r: config.r, scaling, dropout: config.lora_dropout };
  const ownedBases: Linear[] = [];
  const injections = injectModules<L>(
    model,
    { target_modules: config.target_modules, exclude_modules: config.exclude_modules, layers_to_transform: config.layers_to_transform },
    (m: Module) => m instanceof Linear,
    (path, m) => {
      const base = m as Linear;
      const { inFeatures, outFeatures } = base;
      if (config.r > Math.min(inFeatures, outFeatures) && config.init_lora_weights === 'pissa') {
        throw new FishTuningError(`rank ${config.r} exceeds min(in, out) = ${Math.min(inFeatures, outFeatures)} of '${path}'`, { option: 'r' });
      }
      if (config.init_lora_weights === 'pissa') {
        const w = base.weight();
        const data = w.dataSync() as Float32Array;
        w.dispose();
        const p = pissaInit(data, outFeatures, inFeatures, config.r, scaling);
        // The original module stays untouched (restored on dispose); the layer wraps a residual copy.
        const residualBase = Linear.fromWeight(p.residual, base.bias);
        ownedBases.push(residualBase);
        const layer = factory(residualBase, p.a, p.b, options, path);
        p.a.dispose();
        p.b.dispose();
        return layer;
      }
      const { a, b } = initLoraPair(config.init_lora_weights, rng, config.r, inFeatures, outFeatures);
      const layer = factory(base, a, b, options, path);
      a.dispose();
      b.dispose();
      return layer;
    },
  );
  return new LoraAdapter<C, L>(config, model, injections, ownedBases);
}
