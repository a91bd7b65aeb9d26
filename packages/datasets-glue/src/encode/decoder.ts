/**
 * Causal-LM inputs for decoder-only models: `[BOS] prompt answer [EOS]`, with `labels` equal to
 * `inputIds` on the answer (and EOS) and -100 on the prompt, the Hugging Face convention.
 *
 * Template literals and the two sentences are encoded separately and concatenated, so truncation
 * (longest-first, to the task's maximum length) only ever shortens the sentences, never the
 * template or the answer.
 * @module
 */
import type { TextTokenizer } from '@fish-tuning/core';
import { FishTuningError, IGNORE_INDEX } from '@fish-tuning/core';
import type { GlueExample } from '../example.js';
import { glueTask, type GlueTaskSpec } from '../tasks.js';
import { GLUE_DECODER_TEMPLATES, glueAnswerText, templatePieces, type GlueDecoderTemplate } from './templates.js';
import { longestFirstLengths } from './truncate.js';

export interface DecoderFeatures {
  idx: number;
  inputIds: number[];
  attentionMask: number[];
  /** Token labels aligned with inputIds: -100 on the prompt, the token id on the answer and EOS. */
  labels: number[];
  /** Number of leading positions that belong to the prompt (BOS included). */
  promptLength: number;
  /** Class id or STS-B score of the example (-1 on unlabeled splits). */
  label: number;
}

export interface EncodeForDecoderOptions {
  /** Default: the task's template in GLUE_DECODER_TEMPLATES. */
  template?: GlueDecoderTemplate;
  /** Maximum total length; default the task's `maxLength`. */
  maxLength?: number;
  /** Prepend BOS; default true when the tokenizer has one. */
  addBos?: boolean;
  /** Append EOS after the answer; default true when the tokenizer has one. */
  addEos?: boolean;
  /** False returns the prompt alone (for generation or scoring); default true, unless the label is -1. */
  includeAnswer?: boolean;
}

/** Encodes one example as prompt + answer for causal-LM fine-tuning, or as a bare prompt. */
export function encodeForDecoder(
  task: string | GlueTaskSpec,
  example: GlueExample,
  tokenizer: TextTokenizer,
  options: EncodeForDecoderOptions = {},
): DecoderFeatures {
  const spec = typeof task === 'string' ? glueTask(task) : task;
  const template = options.template ?? GLUE_DECODER_TEMPLATES[spec.name];
  const maxLength = options.maxLength ?? spec.maxLength;
  const addBos = options.addBos ?? tokenizer.bosId !== undefined;
  const addEos = options.addEos ?? tokenizer.eosId !== undefined;
  const includeAnswer = options.includeAnswer ?? example.label !== -1;
  if (addBos && tokenizer.bosId === undefined) throw new FishTuningError('the tokenizer has no bosId', { option: 'addBos' });
  if (addEos && includeAnswer && tokenizer.eosId === undefined) throw new FishTuningError('the tokenizer has no eosId', { option: 'addEos' });
  if (includeAnswer && example.label === -1) {
    throw new FishTuningError(`example ${example.idx} has no label (test split); use includeAnswer: false`, { option: 'includeAnswer' });
  }

  const pieces = templatePieces(template.prompt).map((p) =>
    p.field ? { field: p.field, ids: tokenizer.encode(example[p.field] ?? '') } : { ids: tokenizer.encode(p.literal as string) },
  );
  const answer = includeAnswer ? tokenizer.encode(glueAnswerText(template, example.label, spec.regression)) : [];
  if (includeAnswer && addEos) answer.push(tokenizer.eosId as number);

  const fixed = (addBos ? 1 : 0) + answer.length + pieces.reduce((n, p) => n + (p.field ? 0 : p.ids.length), 0);
  const s1 = pieces.find((p) => p.field === 'sentence1');
  const s2 = pieces.find((p) => p.field === 'sentence2');
  const budget = maxLength - fixed;
  if (budget < (s1 ? 1 : 0) + (s2 ? 1 : 0)) {
    throw new FishTuningError(`maxLength ${maxLength} is too short for the template and answer (${fixed} tokens)`, { option: 'maxLength' });
  }
  const [l1, l2] = longestFirstLengths(s1?.ids.length ?? 0, s2?.ids.length ?? 0, budget);
  if (s1) s1.ids = s1.ids.slice(0, l1);
  if (s2) s2.ids = s2.ids.slice(0, l2);

  const prompt = addBos ? [tokenizer.bosId as number] : [];
  for (const p of pieces) prompt.push(...p.ids);
  const inputIds = [...prompt, ...answer];
  const labels = [...new Array<number>(prompt.length).fill(IGNORE_INDEX), ...answer];
  return {
    idx: example.idx,
    inputIds,
    attentionMask: new Array<number>(inputIds.length).fill(1),
    labels,
    promptLength: prompt.length,
    label: example.label,
  };
}
