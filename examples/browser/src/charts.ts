/**
 * The page's charts as vega-lite specs rendered by vega (SVG): loss per step for every run, and where the
 * mask falls (selected entries per layer, split by tensor: A, B, magnitude). Axes, scales and legends are
 * vega-lite's. Specs are plain data, so the CLI's reports could draw the same ones.
 * @module
 */
import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { layerOfName, type Mask } from '@fish-tuning/mask';

export interface LossPoint {
  run: string;
  step: number;
  loss: number;
}

/** Loss per step, one line per run; `maxStep` fixes the x axis while a run is still filling it in. */
export function lossSpec(points: readonly LossPoint[], title = 'Training loss', maxStep?: number): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 'container',
    height: 220,
    data: { values: points as LossPoint[] },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step (loss before that update; last point: after the last)', axis: { tickMinStep: 1, format: 'd' }, scale: maxStep ? { domain: [1, maxStep] } : {} },
      y: { field: 'loss', type: 'quantitative', title: 'mean loss', scale: { zero: false } },
      color: { field: 'run', type: 'nominal', title: 'run' },
      tooltip: [{ field: 'run' }, { field: 'step' }, { field: 'loss', format: '.4f' }],
    },
  };
}

export interface MaskShare {
  layer: string;
  tensor: string;
  selected: number;
  total: number;
}

/** Which kind of PEFT tensor a name is: the module it sits in and A, B or magnitude. */
export function tensorKind(name: string): string {
  const module = /\.([A-Za-z0-9_]+)\.(lora_A|lora_B|lora_magnitude_vector|ia3_l)/.exec(name);
  if (!module) return 'other';
  const kind = module[2] === 'lora_A' ? 'A' : module[2] === 'lora_B' ? 'B' : module[2] === 'lora_magnitude_vector' ? 'magnitude' : module[2];
  return `${module[1]} · ${kind}`;
}

/** Selected entries per layer and tensor kind. */
export function maskShares(mask: Mask): MaskShare[] {
  const byKey = new Map<string, MaskShare>();
  for (const [name, t] of mask.tensors) {
    const layer = layerOfName(name);
    const row = { layer: layer === null ? 'other' : `layer ${layer}`, tensor: tensorKind(name), selected: 0, total: 0 };
    const key = `${row.layer}|${row.tensor}`;
    const acc = byKey.get(key) ?? row;
    for (const v of t.data) acc.selected += v;
    acc.total += t.data.length;
    byKey.set(key, acc);
  }
  return [...byKey.values()];
}

export function maskSpec(shares: readonly MaskShare[], title: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 'container',
    height: 200,
    data: { values: shares as MaskShare[] },
    transform: [{ joinaggregate: [{ op: 'sum', field: 'selected', as: 'k' }] }, { calculate: 'datum.selected / datum.k', as: 'share' }],
    mark: 'bar',
    encoding: {
      x: { field: 'layer', type: 'ordinal', title: 'layer', sort: { field: 'layer' } },
      y: { field: 'share', type: 'quantitative', title: 'share of the mask (k)', axis: { format: '.0%' }, stack: 'zero' },
      color: { field: 'tensor', type: 'nominal', title: 'tensor (module · A/B)' },
      tooltip: [{ field: 'layer' }, { field: 'tensor' }, { field: 'selected', title: 'entries selected' }, { field: 'total', title: 'entries in tensor' }, { field: 'share', format: '.1%' }],
    },
  };
}

const views = new WeakMap<HTMLElement, View>();

/** Renders `spec` as SVG into `el`, replacing what was there. */
export async function renderChart(el: HTMLElement, spec: TopLevelSpec): Promise<void> {
  views.get(el)?.finalize();
  const view = new View(parse(compile(spec).spec), { renderer: 'svg', container: el, hover: true });
  views.set(el, view);
  await view.runAsync();
}
