/**
 * The CLI's data values checked against the model before anything reaches it (core's validateExamples):
 * token ids and labels within the vocabulary, masks 0/1, class labels within the head, finite regression
 * targets, no row without a supervised token, no GLUE test split. Errors name the file and line.
 * @module
 */
import { validateExamples, type Example, type PeftTargetModel } from '@fish-tuning/core';

/** Classifier size and segment vocabulary of a model that has them (BERT); undefined otherwise. */
function headFacts(model: PeftTargetModel): { numLabels?: number; typeVocabSize?: number } {
  const m = model as unknown as { numLabels?: number; bert?: { config?: { type_vocab_size?: number } } };
  return {
    ...(typeof m.numLabels === 'number' ? { numLabels: m.numLabels } : {}),
    ...(typeof m.bert?.config?.type_vocab_size === 'number' ? { typeVocabSize: m.bert.config.type_vocab_size } : {}),
  };
}

/** Throws a FishTuningError naming `file` and the row's line (`lines[i]`, 1-based) for the first bad value. */
export function validateRows(rows: readonly Example[], model: PeftTargetModel, file: string, lines?: readonly number[]): void {
  validateExamples(rows, {
    task: model.task,
    vocabSize: model.dims.vocabSize,
    ...headFacts(model),
    file,
    lineOf: (i) => (lines ? lines[i] : i + 1),
  });
}
