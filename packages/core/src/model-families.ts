/**
 * Model families as one table, keyed by Hugging Face `model_type` (PEFT's
 * TRANSFORMERS_MODELS_TO_*_TARGET_MODULES_MAPPING, joined into one row per family). Every PEFT method
 * reads its default targets here, so that a new family is one `registerModelFamily` call and no edit
 * of core or of any method. Lookups go through a Map: a `model_type` such as 'constructor' is unknown,
 * never an Object.prototype hit.
 * @module
 */
import { FishTuningError } from './errors.js';
import type { ModuleSelector } from './match.js';

/** Decoder-only (causal LM) or encoder-only (BERT-like). */
export type Architecture = 'decoder' | 'encoder';

/** One method's default placement on a family (PEFT's keys, so they go into adapter_config.json as they are). */
export interface TargetDefaults {
  target_modules: ModuleSelector;
  /** (IA)^3: the targets whose input (not output) is scaled. */
  feedforward_modules?: ModuleSelector;
  /** Modules a suffix entry of target_modules would also match but must not (BERT's attention.output.dense). */
  exclude_modules?: ModuleSelector | null;
}

/**
 * A row of the table. `targets` is keyed by method: `lora` (LoRA and DoRA, as PEFT keeps DoRA in LoRA),
 * `ia3`, `adapter` (Houlsby: after attention and after the feed-forward block), `unipelt_adapter`
 * (AdapterHub's UniPELT: one adapter after the feed-forward block). A method without a row here has
 * no default: the user must name its target_modules.
 */
export interface ModelFamily {
  /** Hugging Face config.json `model_type` ('llama', 'bert', …). */
  modelType: string;
  architecture: Architecture;
  targets: Readonly<Record<string, TargetDefaults>>;
}

const families = new Map<string, ModelFamily>();

/** Adds (or, with a warning, replaces) a family. Called by core for the built-in rows and by model packages for theirs. */
export function registerModelFamily(family: ModelFamily): void {
  if (typeof family.modelType !== 'string' || family.modelType === '') throw new FishTuningError('a model family needs a non-empty modelType', { option: 'modelType' });
  if (family.architecture !== 'decoder' && family.architecture !== 'encoder') {
    throw new FishTuningError(`architecture must be 'decoder' or 'encoder', got ${JSON.stringify(family.architecture)}`, { option: 'architecture' });
  }
  if (families.has(family.modelType)) console.warn(`fish-tuning: model family '${family.modelType}' registered again; the new one replaces it`);
  const targets = new Map(Object.entries(family.targets));
  families.set(family.modelType, { modelType: family.modelType, architecture: family.architecture, targets: Object.freeze(Object.fromEntries(targets)) });
}

/** The family of `modelType`, or undefined. */
export function findModelFamily(modelType: string): ModelFamily | undefined {
  return families.get(modelType);
}

/** The family of `modelType`; an unknown type is an error that lists the known ones. */
export function getModelFamily(modelType: string): ModelFamily {
  const family = families.get(modelType);
  if (!family) throw new FishTuningError(`unknown model_type '${modelType}'; known: ${[...families.keys()].join(', ') || '(none)'}`, { option: 'model_type' });
  return family;
}

export function registeredModelFamilies(): string[] {
  return [...families.keys()];
}

/**
 * `method`'s default placement on `modelType`. Errors name `target_modules`: without a default, the user
 * must give the targets, and the message says so.
 */
export function defaultTargets(modelType: string, method: string): TargetDefaults {
  const family = families.get(modelType);
  const found = family && Object.prototype.hasOwnProperty.call(family.targets, method) ? family.targets[method] : undefined;
  if (!found) {
    const why = family ? `model_type '${modelType}' has no default for method '${method}'` : `model_type '${modelType}' is not a registered model family`;
    throw new FishTuningError(`${why}; give target_modules`, { option: 'target_modules' });
  }
  return found;
}

// The built-in rows. Module paths are Hugging Face's (the models keep them, so PEFT names match).
registerModelFamily({
  modelType: 'llama',
  architecture: 'decoder',
  targets: {
    lora: { target_modules: ['q_proj', 'v_proj'] },
    // The paper's placement: keys, values and the feed-forward down projection's input.
    ia3: { target_modules: ['k_proj', 'v_proj', 'down_proj'], feedforward_modules: ['down_proj'], exclude_modules: null },
    adapter: { target_modules: ['self_attn.o_proj', 'mlp.down_proj'] },
    unipelt_adapter: { target_modules: ['mlp.down_proj'] },
  },
});
registerModelFamily({
  modelType: 'bert',
  architecture: 'encoder',
  targets: {
    lora: { target_modules: ['query', 'value'] },
    // PEFT's own BERT default, `output.dense`, also matches `attention.output.dense` by suffix; it is
    // excluded so that only the feed-forward output is scaled.
    ia3: { target_modules: ['key', 'value', 'output.dense'], feedforward_modules: ['output.dense'], exclude_modules: ['attention.output.dense'] },
    adapter: { target_modules: ['attention.output.dense', 'output.dense'] },
    // A regex (whole-path match): the FFN's output.dense only, not attention.output.dense.
    unipelt_adapter: { target_modules: '.*\\.layer\\.\\d+\\.output\\.dense' },
  },
});
