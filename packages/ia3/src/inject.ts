/**
 * Injecting (IA)^3 into a model: every targeted dense layer is wrapped in an {@link Ia3Layer}
 * through core's injectModules; the result is a PeftAdapter whose tensors carry PEFT's names
 * (`base_model.model.<path>.ia3_l`).
 * @module
 */
import {
  injectModules,
  isLinearLike,
  layerIndexOf,
  matchesTarget,
  peftTensorName,
  type LinearLike,
  type PeftTargetModel,
  WrappingAdapter,
} from '@fish-tuning/core';
import type { Ia3Config } from './config.js';
import { Ia3Layer } from './layer.js';
import { unmergeIa3Layer } from './merge.js';

export class Ia3Adapter extends WrappingAdapter<Ia3Config, Ia3Layer> {
  constructor(config: Ia3Config, model: PeftTargetModel) {
    const feedforward = config.feedforward_modules;
    const isFf = (path: string) => (Array.isArray(feedforward) && feedforward.length === 0 ? false : matchesTarget({ target_modules: feedforward }, path));
    const injections = injectModules(
      model,
      { target_modules: config.target_modules },
      isLinearLike,
      (path, module) => new Ia3Layer(module as LinearLike, isFf(path), peftTensorName(path, 'ia3_l'), config.init_ia3_weights),
    );
    const params = injections.map(({ path, replacement }) => ({
      name: replacement.tensorName,
      variable: replacement.ia3_l,
      module: path,
      role: 'ia3_l',
      layer: layerIndexOf(path),
      fishCandidate: true,
    }));
    super(config, model, injections, params);
  }

  /** Unmerges merged layers before putting the original modules back. */
  protected override release(): void {
    for (const layer of this.layers.values()) unmergeIa3Layer(layer);
    super.release();
  }
}

/** Wraps the modules named by `config` (see ia3Config) and returns the adapter. */
export function injectIa3(model: PeftTargetModel, config: Ia3Config): Ia3Adapter {
  return new Ia3Adapter(config, model);
}
