/**
 * GSM8K: supervised formatting with label masking, prompt templates, the Wei et al. 8-shot
 * chain-of-thought exemplars, stop rules, final-answer extraction and generation-based accuracy.
 * Browser-safe; file loading lives in `@fish-tuning/datasets-gsm8k/node`.
 * @module @fish-tuning/datasets-gsm8k
 */
export type { Gsm8kExample, Gsm8kSplit } from './example.js';
export { parseGsm8kJsonl } from './parse.js';
export { GSM8K_TEMPLATES, gsm8kTemplate, renderGsm8kPrompt } from './template.js';
export type { Gsm8kTemplate, Gsm8kTemplateName } from './template.js';
export { GSM8K_COT_EXEMPLARS, fewShotPrefix } from './few-shot.js';
export type { Gsm8kExemplar } from './few-shot.js';
export { IGNORE_INDEX } from '@fish-tuning/core';
export { GSM8K_MAX_LENGTH, encodeGsm8k, encodeGsm8kPrompt, gsm8kPromptText, stripCalculatorAnnotations } from './encode.js';
export type { EncodeGsm8kOptions, Gsm8kFeatures, Gsm8kPromptOptions } from './encode.js';
export { answersMatch, extractAnswer } from './answer.js';
export type { ExtractedAnswer } from './answer.js';
export { applyStopRules, createStopChecker, findStop } from './stop.js';
export type { StopRules, StoppedText } from './stop.js';
export { evaluateGsm8k, referenceAnswer } from './evaluate.js';
export type { EvaluateGsm8kOptions, GenerateFn, Gsm8kEvaluation, Gsm8kResult } from './evaluate.js';
