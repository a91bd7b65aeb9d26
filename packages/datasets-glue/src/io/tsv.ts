/**
 * Reads the original GLUE download TSVs (`glue_data/<Task>/{train,dev,test}.tsv`), quirks included:
 * CoLA train/dev have no header (columns: source, label, original label, sentence), MRPC starts
 * with a UTF-8 BOM and names its columns `Quality`, `#1 String`, `#2 String`, RTE writes labels as
 * strings, STS-B calls its label `score`, SST-2 keeps trailing spaces. Fields are split on tabs
 * only: GLUE files are unquoted (Python's `csv.QUOTE_NONE`), so `"` is an ordinary character.
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';
import type { GlueExample } from '../example.js';
import type { GlueTaskSpec } from '../tasks.js';

const TEXT1 = ['sentence', 'sentence1', '#1 String'];
const TEXT2 = ['sentence2', '#2 String'];
const LABEL = ['label', 'Quality', 'score'];
const COLA_HEADERLESS = ['source', 'label', 'original_label', 'sentence'];

interface Columns {
  text1: number;
  text2: number;
  label: number;
  index: number;
}

function columns(header: string[]): Columns {
  const find = (names: string[]) => header.findIndex((h) => names.includes(h));
  return { text1: find(TEXT1), text2: find(TEXT2), label: find(LABEL), index: header.indexOf('index') };
}

function parseLabel(spec: GlueTaskSpec, raw: string, bad: (m: string) => never): number {
  if (spec.regression) {
    const v = Number.parseFloat(raw);
    return Number.isFinite(v) ? v : bad(`score '${raw}' is not a number`);
  }
  if (/^\d+$/.test(raw)) {
    const v = Number(raw);
    return v < spec.labelNames.length ? v : bad(`label ${v} is out of range for ${spec.displayName}`);
  }
  const v = spec.labelNames.indexOf(raw);
  return v >= 0 ? v : bad(`label '${raw}' is not one of ${spec.labelNames.join(', ')}`);
}

/** Every example in the GLUE TSV `text`, in order; `file` names the source in errors. Test files have no labels: label is -1. */
export function parseGlueTsv(spec: GlueTaskSpec, source: string, file = '<tsv>'): GlueExample[] {
  let text = source;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const first = (lines[0] ?? '').replace(/\r$/, '').split('\t');
  const headerless = spec.name === 'cola' && first[0] !== 'index';
  const header = headerless ? COLA_HEADERLESS : first;
  const cols = columns(header);
  const pair = spec.sentenceKeys.length === 2;
  if (cols.text1 < 0 || (pair && cols.text2 < 0)) {
    throw new FishTuningError(
      `header [${header.join(', ')}] lacks the text column(s) ${spec.displayName} needs`,
      { file },
    );
  }
  const out: GlueExample[] = [];
  for (let i = headerless ? 0 : 1; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    const bad = (msg: string): never => {
      throw new FishTuningError(`line ${i + 1}: ${msg}`, { file });
    };
    const f = line.split('\t');
    if (f.length !== header.length) bad(`expected ${header.length} tab-separated fields, got ${f.length}`);
    const ex: GlueExample = {
      idx: cols.index >= 0 ? Number(f[cols.index]) : out.length,
      sentence1: f[cols.text1],
      label: cols.label >= 0 ? parseLabel(spec, f[cols.label], bad) : -1,
    };
    if (pair) ex.sentence2 = f[cols.text2];
    out.push(ex);
  }
  return out;
}
