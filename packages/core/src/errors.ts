/**
 * One error type for the whole library. It carries the file, tensor and option it is about, so that
 * a user can find the culprit without reading a stack trace.
 * @module
 */

export interface ErrorSubject {
  /** Path of the file at fault (checkpoint, tokenizer, mask, data). */
  file?: string;
  /** Tensor name at fault (PEFT or checkpoint name). */
  tensor?: string;
  /** Option, flag or config field at fault. */
  option?: string;
}

export class FishTuningError extends Error {
  readonly file?: string;
  readonly tensor?: string;
  readonly option?: string;
  /** The message without the file/tensor/option prefix (to re-raise it about another subject, e.g. a CLI flag). */
  readonly reason: string;

  constructor(message: string, subject: ErrorSubject = {}) {
    const where = [
      subject.file !== undefined ? `file '${subject.file}'` : '',
      subject.tensor !== undefined ? `tensor '${subject.tensor}'` : '',
      subject.option !== undefined ? `option '${subject.option}'` : '',
    ].filter(Boolean);
    super(where.length ? `${where.join(', ')}: ${message}` : message);
    this.name = 'FishTuningError';
    this.file = subject.file;
    this.tensor = subject.tensor;
    this.option = subject.option;
    this.reason = message;
  }
}

/** Throws a FishTuningError naming `option` unless `ok`. */
export function check(ok: unknown, message: string, subject: ErrorSubject = {}): asserts ok {
  if (!ok) throw new FishTuningError(message, subject);
}
