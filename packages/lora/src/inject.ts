/**
 * Puts LoRA layers into a model: core `injectModules` finds the targets (PEFT's matching rules and
 * `layers_to_transform`), each target gets A and B from the configured init, and the result is a
 * `LoraAdapter`. DoRA reuses this walk with its own layer factory.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, Linear, injectModules, type Module, type PeftTargetModel, type Rng, type Tuner } from '@fish-tuning/core';
import { loraConfig, loraScaling, type LoraConfig, type LoraOptions } from './config.js';
import { LoraLinear, type LoraLayerOptions } from './layer.js';
import { initLoraPair } from './init.js';
import { pissaInit } from './pissa.js';
import { LoraAdapter } from './adapter.js';

/** Builds the layer for one target from its (possibly residualised) base and initial A, B. */
export type LoraLayerFactory = (base: Linear, a: tf.Tensor2D, b: tf.Tensor2D, options: LoraLayerOptions, path: string) => LoraLinear;

export const createLoraLayer: LoraLayerFactory = (base, a, b, options) => new LoraLinear(base, a, b, options);

/** Injects freshly initialised LoRA layers into `model` (in place); `dispose()` on the result undoes it. */
export function injectLora<C extends LoraConfig>(model: PeftTargetModel, config: C, rng: Rng, factory: LoraLayerFactory = createLoraLayer): LoraAdapter<C> {
  if (config.use_dora && factory === createLoraLayer) {
    throw new FishTuningError("use_dora is true: inject with @fish-tuning/dora's doraTuner / injectDora", { option: 'use_dora' });
  }
  const scaling = loraScaling(config);
  const options: LoraLayerOptions = { r: config.r, scaling, dropout: config.lora_dropout };
  const ownedBases: Linear[] = [];
  const injections = injectModules<LoraLinear>(
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
  return new LoraAdapter<C>(model, config, injections, ownedBases);
}

/** The LoRA method for the registry and the CLI (`--method lora`). */
export const loraTuner = {
  name: 'lora',
  peftType: 'LORA',
  config: (options: LoraOptions, model: PeftTargetModel): LoraConfig => {
    if (options.use_dora) throw new FishTuningError("the 'lora' method is plain LoRA; use the 'dora' method (@fish-tuning/dora) for use_dora", { option: 'use_dora' });
    return loraConfig(options, model);
  },
  inject: (model: PeftTargetModel, config: LoraConfig, rng: Rng): LoraAdapter => injectLora(model, config, rng),
} satisfies Tuner<LoraConfig, LoraOptions>;
