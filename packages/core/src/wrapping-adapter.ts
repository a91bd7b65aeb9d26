/**
 * The AdapterBase of every module-wrapping method (LoRA, DoRA, the bottleneck adapter, (IA)^3): the
 * injected layers by path, the PEFT-named parameters, and undoing the injection. A method builds its
 * injections and parameter list and passes them in.
 * @module
 */
import { restoreModules, type Injection } from './inject.js';
import { AdapterBase } from './adapter-base.js';
import type { Module } from './module.js';
import type { PeftConfigBase } from './peft.js';
import type { PeftTargetModel } from './model.js';
import type { TrainableParameter } from './parameters.js';

export abstract class WrappingAdapter<C extends PeftConfigBase, L extends Module & { dispose(): unknown }> extends AdapterBase<C> {
  /** The injected layers by module path. */
  readonly layers: ReadonlyMap<string, L>;

  protected constructor(
    config: C,
    model: PeftTargetModel,
    private readonly injections: readonly Injection<L>[],
    private readonly params: readonly TrainableParameter[],
  ) {
    super(config, model, injections.map((i) => i.path));
    this.layers = new Map(injections.map((i) => [i.path, i.replacement]));
  }

  trainableParameters(): TrainableParameter[] {
    return [...this.params];
  }

  /** Puts the original modules back and frees the injected layers. */
  protected release(): void {
    restoreModules(this.model, this.injections);
    for (const layer of this.layers.values()) layer.dispose();
  }
}
