/**
 * Composing UniPELT from the three method packages (no copied layer code): LoRA through lora's
 * injectLora with a gated layer factory, bottleneck adapters through adapter's injectAdapter with a
 * gate set on each layer, and the prefix through prefix's PrefixAdapter wrapped in a gated source.
 * Tensor names: each part's own names, plus `<path>.lora_gate.{weight,bias}`,
 * `<path>.adapter_gate.{weight,bias}` and `<layer path>.prefix_gate.{weight,bias}` (all `base_model.model.`-prefixed).
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import { assignStateDict, layerIndexOf, peftTensorName, type DecodedTensor, type PeftAdapter, type PeftTargetModel, type Rng, type TrainableParameter } from '@fish-tuning/core';
import { injectLora, type LoraAdapter } from '@fish-tuning/lora';
import { injectAdapter, type BottleneckAdapter } from '@fish-tuning/adapter';
import { PrefixAdapter, PROMPT_EMBEDDINGS } from '@fish-tuning/prefix';
import type { UnipeltConfig } from './config.js';
import { Gate } from './gate.js';
import { GatedLoraLinear, GatedPrefix } from './layer.js';

export class UnipeltAdapter implements PeftAdapter<UnipeltConfig> {
  readonly targetedModules: readonly string[];
  readonly lora: LoraAdapter;
  readonly adapter: BottleneckAdapter;
  readonly prefix: PrefixAdapter;
  readonly gatedPrefix: GatedPrefix;
  private readonly adapterGates: Array<[string, Gate]>;

  constructor(
    readonly config: UnipeltConfig,
    readonly model: PeftTargetModel,
    rng: Rng,
    /** Load path: the prefix as its saved table (see @fish-tuning/prefix). */
    directPrefix = false,
  ) {
    this.lora = injectLora(model, config.lora, rng, (base, a, b, options) => new GatedLoraLinear(base, a, b, options));
    this.adapter = injectAdapter(model, config.adapter, rng);
    this.adapterGates = [...this.adapter.layers].map(([path, layer]) => {
      const gate = new Gate(layer.outFeatures, 1);
      layer.gate = (y) => gate.value(y);
      return [path, gate];
    });
    this.prefix = new PrefixAdapter(config.prefix, model, rng, directPrefix);
    this.gatedPrefix = new GatedPrefix(this.prefix.encoder, model.dims.hiddenSize);
    model.prefix = this.gatedPrefix;
    this.targetedModules = [...this.lora.targetedModules, ...this.adapter.targetedModules];
  }

  /** Gate parameters: FISH candidates only when config.fish_gates (they are trained either way). */
  gateParameters(): TrainableParameter[] {
    const fish = this.config.fish_gates;
    const out: TrainableParameter[] = [];
    const add = (path: string, role: string, gate: Gate) => {
      for (const [suffix, variable] of gate.variables()) out.push({ name: peftTensorName(path, `${role}.${suffix}`), variable, module: path, role, layer: layerIndexOf(path), fishCandidate: fish });
    };
    for (const [path, layer] of this.lora.layers()) add(path, 'lora_gate', (layer as GatedLoraLinear).gate);
    for (const [path, gate] of this.adapterGates) add(path, 'adapter_gate', gate);
    this.gatedPrefix.gates.forEach((gate, i) => add(this.model.layerPath(this.gatedPrefix.layers[i]), 'prefix_gate', gate));
    return out;
  }

  trainableParameters(): TrainableParameter[] {
    return [...this.lora.trainableParameters(), ...this.adapter.trainableParameters(), ...this.prefix.trainableParameters(), ...this.gateParameters()];
  }

  /** The task head, saved when `modules_to_save` is set (never a FISH candidate). */
  headParameters(): TrainableParameter[] {
    return this.config.modules_to_save?.length ? this.model.headParameters() : [];
  }

  stateDict(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const part of [this.lora.trainableParameters(), this.adapter.trainableParameters(), this.gateParameters(), this.headParameters()]) for (const p of part) out.set(p.name, p.variable);
    // Only the table: the head is saved once, under this adapter's (LoRA-style) name.
    out.set(PROMPT_EMBEDDINGS, this.prefix.encoder.prompt_embeddings ?? this.prefix.encoder.table());
    return out;
  }

  loadStateDict(tensors: Map<string, DecodedTensor>, file?: string): void {
    const prefixVar = this.prefix.encoder.prompt_embeddings;
    const params = [...this.lora.trainableParameters(), ...this.adapter.trainableParameters(), ...this.gateParameters()];
    const vars = new Map(params.map((p) => [p.name, p.variable]));
    if (prefixVar) vars.set(PROMPT_EMBEDDINGS, prefixVar);
    assignStateDict(vars, tensors, file, new Map(this.headParameters().map((p) => [p.name, p.variable])));
  }

  dispose(): void {
    this.model.prefix = null;
    this.gatedPrefix.dispose();
    this.prefix.dispose();
    for (const [, gate] of this.adapterGates) gate.dispose();
    this.adapter.dispose();
    this.lora.dispose();
  }
}

export function injectUnipelt(model: PeftTargetModel, config: UnipeltConfig, rng: Rng): UnipeltAdapter {
  return new UnipeltAdapter(config, model, rng);
}
