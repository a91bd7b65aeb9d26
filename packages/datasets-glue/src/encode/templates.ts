/**
 * Prompt templates for decoder-only models, in the "Sentence: … Question: … Answer:" style of
 * Zhong et al. 2023 ("Can ChatGPT Understand Too?"), with one answer word per label id.
 * @module
 */
import type { GlueExample } from '../example.js';
import type { GlueTaskName } from '../tasks.js';

export interface GlueDecoderTemplate {
  /** Prompt text; `{sentence1}` and `{sentence2}` are replaced by the example's fields. */
  readonly prompt: string;
  /** Answer word for each label id (HF order); empty for STS-B, whose answer is the score. */
  readonly answers: readonly string[];
  /** Text between the prompt and the answer; default one space. */
  readonly answerPrefix?: string;
}

const YES_NO = 'Answer yes or no.';

/** The default template of each task. */
export const GLUE_DECODER_TEMPLATES: Readonly<Record<GlueTaskName, GlueDecoderTemplate>> = Object.freeze({
  cola: {
    prompt: `Sentence: {sentence1}\nQuestion: Is this sentence grammatically acceptable? ${YES_NO}\nAnswer:`,
    answers: ['no', 'yes'],
  },
  sst2: {
    prompt: 'Sentence: {sentence1}\nQuestion: Is the sentiment of this sentence positive or negative?\nAnswer:',
    answers: ['negative', 'positive'],
  },
  mrpc: {
    prompt: `Sentence 1: {sentence1}\nSentence 2: {sentence2}\nQuestion: Do both sentences mean the same thing? ${YES_NO}\nAnswer:`,
    answers: ['no', 'yes'],
  },
  stsb: {
    prompt:
      'Sentence 1: {sentence1}\nSentence 2: {sentence2}\nQuestion: How similar are the two sentences, on a scale from 0.0 to 5.0?\nAnswer:',
    answers: [],
  },
  rte: {
    prompt: `Premise: {sentence1}\nHypothesis: {sentence2}\nQuestion: Does the premise entail the hypothesis? ${YES_NO}\nAnswer:`,
    answers: ['yes', 'no'],
  },
  wnli: {
    prompt: `Sentence 1: {sentence1}\nSentence 2: {sentence2}\nQuestion: Does sentence 1 entail sentence 2? ${YES_NO}\nAnswer:`,
    answers: ['no', 'yes'],
  },
});

/** Splits a template into literal text and field names, in order. */
export function templatePieces(prompt: string): { literal?: string; field?: 'sentence1' | 'sentence2' }[] {
  const out: { literal?: string; field?: 'sentence1' | 'sentence2' }[] = [];
  const re = /\{(sentence1|sentence2)\}/g;
  let last = 0;
  for (let m = re.exec(prompt); m; m = re.exec(prompt)) {
    if (m.index > last) out.push({ literal: prompt.slice(last, m.index) });
    out.push({ field: m[1] as 'sentence1' | 'sentence2' });
    last = m.index + m[0].length;
  }
  if (last < prompt.length) out.push({ literal: prompt.slice(last) });
  return out;
}

/** The prompt text of `example` (no answer). */
export function renderGluePrompt(template: GlueDecoderTemplate, example: GlueExample): string {
  return template.prompt.replace(/\{(sentence1|sentence2)\}/g, (_, k: 'sentence1' | 'sentence2') => example[k] ?? '');
}

/** The answer text for a label: its answer word, or the STS-B score with one decimal. */
export function glueAnswerText(template: GlueDecoderTemplate, label: number, regression: boolean): string {
  const word = regression ? label.toFixed(1) : template.answers[label];
  return (template.answerPrefix ?? ' ') + word;
}

/**
 * Maps generated text back to a label id (first answer word found at the start, case-insensitive)
 * or, for STS-B, to the first number; NaN when nothing matches.
 */
export function parseGlueAnswer(template: GlueDecoderTemplate, text: string, regression: boolean): number {
  const t = text.trim().toLowerCase();
  if (regression) {
    const m = /-?\d+(?:\.\d+)?/.exec(t);
    return m ? Number(m[0]) : Number.NaN;
  }
  // Longest word first, so that 'not_entailment'-style words win over their prefixes.
  const order = template.answers.map((w, i) => [w.toLowerCase(), i] as const).sort((x, y) => y[0].length - x[0].length);
  for (const [w, i] of order) if (t.startsWith(w)) return i;
  return Number.NaN;
}
