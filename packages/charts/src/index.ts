/**
 * @module @fish-tuning/charts — experiment charts as vega-lite specs, rendered to SVG strings by vega
 * (Node and browser) or drawn into a page element (browser).
 */
export { lineChartSpec, barChartSpec, type LineChartOptions, type LineSeries, type LinePoint, type BarChartOptions, type Bar, type AxisOptions } from './specs.js';
export { lossChartSpec, type LossChartOptions, type LossPoint } from './loss.js';
export { shareBarChartSpec, type ShareBarChartOptions, type ShareRow } from './shares.js';
export { renderSvg } from './render.js';
export { renderInto } from './render-into.js';
