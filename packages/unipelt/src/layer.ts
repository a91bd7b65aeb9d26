/**
 * The gated parts of UniPELT (Mao et al., 2022), as subclasses of the method packages' own layers
 * (their public gate hooks, no patching): LoRA whose update is scaled by G_L(x) (x: the LoRA layer's
 * input), the adapter scaled by G_A(y) (y: the adapter's input), and prefix keys/values scaled by G_P(h) (h: the transformer layer's input; two
 * outputs, one for keys and one for values).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, type ForwardContext, type KeyValuePrefix, type Linear, type LinearLike, type PrefixSource, type Rng } from '@fish-tuning/core';
import { LoraLinear, type LoraLayerOptions } from '@fish-tuning/lora';
import { AdapterLayer, type AdapterLayerOptions } from '@fish-tuning/adapter';
import type { PrefixEncoder } from '@fish-tuning/prefix';
import { Gate } from './gate.js';

/** LoRA layer with y = base(x) + G_L(x) · scaling · B A dropout(x), through LoraLinear's gateUpdate hook. */
export class GatedLoraLinear extends LoraLinear {
  readonly gate: Gate;

  constructor(base: Linear, a: tf.Tensor2D, b: tf.Tensor2D, options: LoraLayerOptions) {
    super(base, a, b, options);
    this.gate = new Gate(base.inFeatures, 1);
  }

  protected override gateUpdate(update: tf.Tensor, x: tf.Tensor): tf.Tensor {
    return tf.mul(this.gate.value(x), update);
  }

  /** A gated update depends on the input, so it cannot be folded into the weight. */
  override mergedWeight(): tf.Tensor2D {
    throw new FishTuningError('a UniPELT (gated) LoRA layer cannot be merged: its gate depends on the input', { option: 'merge' });
  }

  override dispose(): number {
    this.gate.dispose();
    return super.dispose();
  }
}

/** Bottleneck adapter with out = y + G_A(y) · (B σ(A y + a) + c), through AdapterLayer's gateDelta hook. */
export class GatedAdapterLayer extends AdapterLayer {
  readonly gate: Gate;

  constructor(base: LinearLike, options: AdapterLayerOptions, rng: Rng) {
    super(base, options.bottleneck, options.nonLinearity, options.bias, options.initStd, rng);
    this.gate = new Gate(base.outFeatures, 1);
  }

  protected override gateDelta(delta: tf.Tensor, y: tf.Tensor): tf.Tensor {
    return tf.mul(this.gate.value(y), delta);
  }

  override dispose(): void {
    this.gate.dispose();
    super.dispose();
  }
}

/** The prefix of each prefixed layer, keys scaled by G_P(h)[0] and values by G_P(h)[1]. */
export class GatedPrefix implements PrefixSource {
  /** The layers with a prefix (all, or the encoder's `layers`), and one gate for each, in that order. */
  readonly layers: readonly number[];
  readonly gates: Gate[];

  constructor(
    readonly encoder: PrefixEncoder,
    hiddenSize: number,
  ) {
    this.layers = encoder.layers ?? Array.from({ length: encoder.numLayers }, (_, i) => i);
    this.gates = this.layers.map(() => new Gate(hiddenSize, 2));
  }

  /** The gate of `layer`, or undefined when the layer has no prefix. */
  gateOf(layer: number): Gate | undefined {
    return this.gates[this.layers.indexOf(layer)];
  }

  get length(): number {
    return this.encoder.length;
  }

  prefixFor(layer: number, hidden: tf.Tensor, ctx?: ForwardContext): KeyValuePrefix | null {
    const p = this.encoder.prefixFor(layer, hidden, ctx);
    if (!p) return null;
    return tf.tidy(() => {
      const g = this.gateOf(layer)!.value(hidden); // [b, 1, 2]
      const b = g.shape[0];
      const gk = tf.reshape(tf.slice(g, [0, 0, 0], [b, 1, 1]), [b, 1, 1, 1]);
      const gv = tf.reshape(tf.slice(g, [0, 0, 1], [b, 1, 1]), [b, 1, 1, 1]);
      const gated = { key: tf.mul(p.key, gk), value: tf.mul(p.value, gv) };
      tf.dispose([p.key, p.value]);
      return gated;
    });
  }

  dispose(): void {
    for (const g of this.gates) g.dispose();
  }
}
