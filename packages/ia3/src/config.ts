/**
 * (IA)^3 options with PEFT's adapter_config.json keys (`IA3Config`): `target_modules`,
 * `feedforward_modules`, `exclude_modules`, `init_ia3_weights`, `fan_in_fan_out`, `modules_to_save`.
 *
 * PEFT's IA3Config has no `layers_to_transform`, so a layer choice (`layers: 'top:3'`) is resolved here
 * into explicit module paths: the saved `target_modules` / `feedforward_modules` then list full paths,
 * which PEFT matches exactly, and Python PEFT wraps the same modules we did. `exclude_modules` is applied
 * while resolving and not written (PEFT 0.13's IA3Config rejects the key).
 * @module
 */
import {
  FishTuningError,
  defaultTargets,
  layerIndexOf,
  matchesTarget,
  modulesToSave,
  namedModules,
  peftTaskType,
  resolveLayers,
  type ModuleSelector,
  type PeftConfigBase,
  type PeftTargetModel,
} from '@fish-tuning/core';

export interface Ia3Config extends PeftConfigBase {
  peft_type: 'IA3';
  task_type: string | null;
  target_modules: ModuleSelector;
  feedforward_modules: ModuleSelector;
  fan_in_fan_out: false;
  init_ia3_weights: boolean;
  modules_to_save: string[] | null;
}

export interface Ia3Options {
  target_modules?: ModuleSelector;
  exclude_modules?: ModuleSelector | null;
  feedforward_modules?: ModuleSelector;
  init_ia3_weights?: boolean;
  /** 'all' (default), 'top:n', '0,3,5' or indices: resolved into explicit module paths. */
  layers?: string | readonly number[] | null;
  task_type?: string | null;
  modules_to_save?: string[] | null;
  base_model_name_or_path?: string | null;
}

const KNOWN = new Set(['target_modules', 'exclude_modules', 'feedforward_modules', 'init_ia3_weights', 'layers', 'task_type', 'modules_to_save', 'base_model_name_or_path']);

function asSelector(value: unknown, option: string): ModuleSelector {
  if (typeof value === 'string' && value.length > 0) return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v.length > 0)) return [...value];
  throw new FishTuningError(`expected a regex string or a non-empty list of module names, got ${JSON.stringify(value)}`, { option });
}

/**
 * Fills the defaults of the model's family (core's model-family table: the paper's placement, l_k and
 * l_v on the key/value outputs and l_ff on the feed-forward down projection's input) and checks every
 * option (errors name the option).
 */
export function ia3Config(options: Ia3Options, model: PeftTargetModel): Ia3Config {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new FishTuningError(`unknown (IA)^3 option (known: ${[...KNOWN].join(', ')})`, { option: key });
  }
  const userTargets = options.target_modules !== undefined;
  const defaults = userTargets ? null : defaultTargets(model.modelType, 'ia3');
  let target = asSelector(options.target_modules ?? defaults!.target_modules, 'target_modules');
  const ffOption = options.feedforward_modules ?? (defaults ? defaults.feedforward_modules ?? [] : []);
  let feedforward: ModuleSelector = Array.isArray(ffOption) && ffOption.length === 0 ? [] : asSelector(ffOption, 'feedforward_modules');
  const exclude = options.exclude_modules === undefined ? (defaults ? defaults.exclude_modules ?? null : null) : options.exclude_modules === null ? null : asSelector(options.exclude_modules, 'exclude_modules');
  if (options.init_ia3_weights !== undefined && typeof options.init_ia3_weights !== 'boolean') {
    throw new FishTuningError(`expected true or false, got ${JSON.stringify(options.init_ia3_weights)}`, { option: 'init_ia3_weights' });
  }
  const layers = resolveLayers(options.layers ?? null, model.dims.numLayers, 'layers');
  const spec = { target_modules: target, exclude_modules: exclude };
  const paths = namedModules(model).map(([p]) => p).filter((p) => matchesTarget(spec, p) && (layers === null || layers.includes(layerIndexOf(p) ?? -1)));
  if (paths.length === 0) throw new FishTuningError(`no module of this ${model.modelType} model matches ${JSON.stringify(target)}`, { option: 'target_modules' });
  const ffPaths = Array.isArray(feedforward) && feedforward.length === 0 ? [] : paths.filter((p) => matchesTarget({ target_modules: feedforward }, p));
  if (Array.isArray(feedforward) && feedforward.some((f) => !paths.some((p) => p === f || p.endsWith(`.${f}`)))) {
    throw new FishTuningError(`${JSON.stringify(feedforward)} must name a subset of the targeted modules`, { option: 'feedforward_modules' });
  }
  // Explicit full paths: PEFT matches them exactly, whatever it supports for layer selection.
  target = paths;
  feedforward = ffPaths;
  return {
    peft_type: 'IA3',
    task_type: options.task_type ?? peftTaskType(model.task),
    base_model_name_or_path: options.base_model_name_or_path ?? null,
    inference_mode: false,
    target_modules: target,
    feedforward_modules: feedforward,
    fan_in_fan_out: false,
    init_ia3_weights: options.init_ia3_weights ?? true,
    modules_to_save: modulesToSave(options.modules_to_save, model.task),
  };
}

/** Options back from a saved adapter_config.json (unknown PEFT bookkeeping keys are ignored). */
function ia3OptionsFromJson(json: PeftConfigBase, file?: string): Ia3Options {
  if (json.peft_type !== 'IA3') throw new FishTuningError(`expected peft_type 'IA3', got ${JSON.stringify(json.peft_type)}`, { file, option: 'peft_type' });
  if (json.fan_in_fan_out) throw new FishTuningError('fan_in_fan_out=true (Conv1D models) is not supported', { file, option: 'fan_in_fan_out' });
  const out: Ia3Options = { target_modules: json.target_modules as ModuleSelector, feedforward_modules: (json.feedforward_modules ?? []) as ModuleSelector };
  if (json.exclude_modules != null) out.exclude_modules = json.exclude_modules as ModuleSelector;
  if (json.task_type !== undefined) out.task_type = json.task_type ?? null;
  if (json.modules_to_save !== undefined) out.modules_to_save = (json.modules_to_save as string[] | null) ?? null;
  if (json.base_model_name_or_path !== undefined) out.base_model_name_or_path = json.base_model_name_or_path ?? null;
  return out;
}

/** A saved adapter_config.json, checked against `model` as user options are (errors name `file`). */
export function ia3ConfigFromJson(json: PeftConfigBase, model: PeftTargetModel, file?: string): Ia3Config {
  const options = ia3OptionsFromJson(json, file);
  try {
    return ia3Config(options, model);
  } catch (e) {
    if (e instanceof FishTuningError) throw new FishTuningError(e.message, { file, option: e.option });
    throw e;
  }
}
