/**
 * @module @fish-tuning/mask — exact global top-k (FISH), reverse and random masks over PEFT
 * parameters, per-tensor/per-layer budgets, masked gradients and a masked AdamW step, U8 safetensors
 * mask files, and validation against a model. File helpers for Node live in `@fish-tuning/mask/node`.
 */
export { scoresFromTensors } from './scores.js';
export { selectMask, budgetSize, countSelected, type SelectMaskOptions } from './select.js';
export { selectTopK, sortKey, type Segment } from './topk.js';
export { selectRandom } from './random.js';
export { proportionalShares, layerOfName } from './budget.js';
export { maskToTensors, maskGradients, maskedAdamWUpdate, adamWMoments, type AdamWHyper, type AdamWMoments } from './apply.js';
export { validateMask, type ParameterShape } from './validate.js';
export { maskToBytes, maskFromBytes, maskFromDecoded } from './format.js';
export { MASK_SELECTIONS, MASK_BUDGETS, sizeOf, type Mask, type MaskSelection, type MaskBudget, type NamedArray, type ScoreMap } from './types.js';
