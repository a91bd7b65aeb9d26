/**
 * Renders a vega-lite spec to an SVG string with vega's headless view (renderer 'none', no canvas, no DOM):
 * the same call works in Node and in the browser.
 * @module
 */
import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** The chart as a standalone SVG document (string). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
