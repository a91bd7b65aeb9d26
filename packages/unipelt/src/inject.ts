/**
 * Composing UniPELT from the three method packages (no copied layer code, no patched layers): LoRA through
 * lora's injectLora with the gated LoRA layer, bottleneck adapters through adapter's injectAdapter with the
 * gated adapter layer (both subclasses using the packages' gate hooks), and the prefix through prefix's
 * PrefixAdapter wrapped in a gated source. Tensor names: each part's own names, plus
 * `<path>.lora_gate.{weight,bias}`, `<path>.adapter_gate.{weight,bias}` and
 * `<layer path>.prefix_gate.{weight,bias}` (all `base_model.model.`-prefixed).
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import { AdapterBase, layerIndexOf, peftTensorName, type PeftTargetModel, type Rng, type TrainableParameter } from '@fish-tuning/core';
import { injectLora, type LoraAdapter } from '@fish-tuning/lora';
import { injectAdapter, type BottleneckAdapter } from '@fish-tuning/adapter';
import { PrefixAdapter, PROMPT_EMBEDDINGS } from '@fish-tuning/prefix';
import type { UnipeltConfig } from './config.js';
import type { Gate } from './gate.js';
import { GatedAdapterLayer, GatedLoraLinear, GatedPrefix } from './layer.js';

export class UnipeltAdapter extends AdapterBase<UnipeltConfig> {
  readonly lora: LoraAdapter<UnipeltConfig['lora'], GatedLoraLinear>;
  readonly adapter: BottleneckAdapter<GatedAdapterLayer>;
  readonly prefix: PrefixAdapter;
  readonly gatedPrefix: GatedPrefix;

  constructor(
    config: UnipeltConfig,
    model: PeftTargetModel,
    rng: Rng,
    /** Load path: the prefix as its saved table (see @fish-tuning/prefix). */
    directPrefix = false,
  ) {
    const lora = injectLora(model, config.lora, rng, (base, a, b, options) => new GatedLoraLinear(base, a, b, options));
    const adapter = injectAdapter(model, config.adapter, rng, (base, options, r) => new GatedAdapterLayer(base, options, r));
    super(config, model, [...lora.targetedModules, ...adapter.targetedModules]);
    this.lora = lora;
    this.adapter = adapter;
    this.prefix = new PrefixAdapter(config.prefix, model, rng, directPrefix);
    this.gatedPrefix = new GatedPrefix(this.prefix.encoder, model.dims.hiddenSize);
    model.prefix = this.gatedPrefix;
  }

  /** Gate parameters: FISH candidates only when config.fish_gates (they are trained either way). */
  gateParameters(): TrainableParameter[] {
    const fish = this.config.fish_gates;
    const out: TrainableParameter[] = [];
    const add = (path: string, role: string, gate: Gate) => {
      for (const [suffix, variable] of gate.variables()) out.push({ name: peftTensorName(path, `${role}.${suffix}`), variable, module: path, role, layer: layerIndexOf(path), fishCandidate: fish });
    };
    for (const [path, layer] of this.lora.layers) add(path, 'lora_gate', layer.gate);
    for (const [path, layer] of this.adapter.layers) add(path, 'adapter_gate', layer.gate);
    this.gatedPrefix.gates.forEach((gate, i) => add(this.model.layerPath(this.gatedPrefix.layers[i]), 'prefix_gate', gate));
    return out;
  }

  trainableParameters(): TrainableParameter[] {
    return [...this.lora.trainableParameters(), ...this.adapter.trainableParameters(), ...this.prefix.trainableParameters(), ...this.gateParameters()];
  }

  /** LoRA, adapter and gate tensors by PEFT name, and the prefix as its table (the head is saved once, by AdapterBase). */
  protected override ownTensors(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const p of [...this.lora.trainableParameters(), ...this.adapter.trainableParameters(), ...this.gateParameters()]) out.set(p.name, p.variable);
    out.set(PROMPT_EMBEDDINGS, this.prefix.encoder.prompt_embeddings ?? this.prefix.encoder.table());
    return out;
  }

  protected override loadableVariables(): Map<string, tf.Variable> {
    const vars = new Map([...this.lora.trainableParameters(), ...this.adapter.trainableParameters(), ...this.gateParameters()].map((p) => [p.name, p.variable]));
    const table = this.prefix.encoder.prompt_embeddings;
    if (table) vars.set(PROMPT_EMBEDDINGS, table);
    return vars;
  }

  protected release(): void {
    this.model.prefix = null;
    this.gatedPrefix.dispose();
    this.prefix.dispose();
    this.adapter.dispose();
    this.lora.dispose();
  }
}

export function injectUnipelt(model: PeftTargetModel, config: UnipeltConfig, rng: Rng): UnipeltAdapter {
  return new UnipeltAdapter(config, model, rng);
}
