/**
 * @module @fish-tuning/mask — exact global top-k (FISH), reverse and random masks over PEFT
 * parameters, per-tensor/per-layer budgets, masks as tensors and masked gradients, where a mask falls
 * (per layer and tensor kind), U8 safetensors mask files, and validation against a model. File helpers for Node live in `@fish-tuning/mask/node`.
 */
export { scoresFromTensors } from './scores.js';
export { selectMask, randomMask, budgetSize, countSelected, type SelectMaskOptions, type RandomMaskOptions } from './select.js';
export { selectTopK, sortKey, type Segment } from './topk.js';
export { selectRandom } from './random.js';
export { proportionalShares, layerOfName } from './budget.js';
export { maskShares, tensorKind, type MaskShare, type TensorKind } from './shares.js';
export { maskToTensors, maskGradients } from './apply.js';
export { validateMask, type ParameterShape } from './validate.js';
export { maskToBytes, maskFromBytes, maskFromDecoded } from './format.js';
export { MASK_SELECTIONS, MASK_BUDGETS, sizeOf, type Mask, type MaskSelection, type MaskBudget, type NamedArray, type ScoreMap } from './types.js';
