/**
 * Where commands write: injectable so that tests run the CLI in-process and read what it printed.
 * @module
 */
export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processIO: CliIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};
