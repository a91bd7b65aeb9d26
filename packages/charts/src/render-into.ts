/**
 * Renders a vega-lite spec as interactive SVG (hover, tooltips) into a DOM element: the browser's
 * counterpart of renderSvg. No Node imports; the DOM is only touched when it is called.
 * @module
 */
import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * The view drawn into each element, finalized before the next one replaces it (its listeners and timers
 * would otherwise live on). Keyed weakly: an element that leaves the page takes its view with it.
 */
const views = new WeakMap<Element, View>();

/** Draws `spec` into `container`, replacing the chart it held; resolves when the SVG is in the page. */
export async function renderInto(container: HTMLElement, spec: TopLevelSpec): Promise<void> {
  views.get(container)?.finalize();
  const view = new View(parse(compile(spec).spec), { renderer: 'svg', container, hover: true });
  views.set(container, view);
  await view.runAsync();
}
