/**
 * Prompt templates for GSM8K: how a question becomes a prompt, what separates it from the answer,
 * and which strings end a generation.
 * @module
 */
import { FishTuningError, ownEntry } from '@fish-tuning/core';

export interface Gsm8kTemplate {
  /** Prompt text; `{question}` is replaced by the question. */
  readonly prompt: string;
  /** Text between the prompt and the answer (part of the answer, so it is trained on). */
  readonly answerPrefix: string;
  /** Generation stops at the first of these strings (EOS also stops it). */
  readonly stop: readonly string[];
  /** Text placed after each few-shot exemplar's answer. */
  readonly shotSeparator: string;
}

/**
 * Built-in templates:
 * - `plain`: `Question: …\nAnswer: …` (lm-evaluation-harness style), the default;
 * - `cot`: `Q: …\nA: …`, the format of the Wei et al. (2022) chain-of-thought exemplars;
 * - `alpaca`: an instruction/response template;
 * - `chatml`: `<|im_start|>user … <|im_end|>` chat markup.
 */
export const GSM8K_TEMPLATES = Object.freeze({
  plain: { prompt: 'Question: {question}\nAnswer:', answerPrefix: ' ', stop: ['\n\nQuestion:', 'Question:'], shotSeparator: '\n\n' },
  cot: { prompt: 'Q: {question}\nA:', answerPrefix: ' ', stop: ['\n\nQ:', '\nQ:'], shotSeparator: '\n\n' },
  alpaca: {
    prompt:
      'Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n' +
      '### Instruction:\n{question}\n\n### Response:\n',
    answerPrefix: '',
    stop: ['\n\n### Instruction:', '### Instruction:'],
    shotSeparator: '\n\n',
  },
  chatml: {
    prompt: '<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n',
    answerPrefix: '',
    stop: ['<|im_end|>', '<|im_start|>'],
    shotSeparator: '<|im_end|>\n',
  },
} satisfies Record<string, Gsm8kTemplate>);

export type Gsm8kTemplateName = keyof typeof GSM8K_TEMPLATES;

/** The prompt for one question. */
export function renderGsm8kPrompt(template: Gsm8kTemplate, question: string): string {
  return template.prompt.split('{question}').join(question);
}

/** A template by name, or the template itself. */
export function gsm8kTemplate(template: Gsm8kTemplate | string = 'plain'): Gsm8kTemplate {
  if (typeof template !== 'string') return template;
  const found = ownEntry(GSM8K_TEMPLATES as Record<string, Gsm8kTemplate>, template);
  if (!found) {
    throw new FishTuningError(`unknown GSM8K template '${template}'; expected one of ${Object.keys(GSM8K_TEMPLATES).join(', ')}`, {
      option: 'template',
    });
  }
  return found;
}
