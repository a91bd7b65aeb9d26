/**
 * The paper's numbers that reports print beside ours (reproduce/paper.ts) are transcriptions; this checks
 * each one against the paper's own text (../shared/paper/fish-tuning.md), whose OCR'd tables carry
 * markup such as `_88.07_`, `$-6\overline{2}.\overline{82}^{-}$` or `<del>8</del> 7.3 <del>6</del>`.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { hasShared, sharedPath } from '@fish-tuning/test-utils';
import { PAPER_FIXED_RATIO, PAPER_LORI, PAPER_MASKS_LORA, PAPER_RESOURCES } from '../src/commands/reproduce/paper.js';

const TASK_ORDER = ['cola', 'mrpc', 'rte', 'sst2', 'stsb', 'wnli', 'avg'];

/** A table cell without the OCR markup: '- <del>8</del> 7.3 <del>6</del> -' → '87.36'. */
function clean(cell: string): string {
  return cell
    .replace(/<[^>]+>/g, '')
    .replace(/\\(overline|bar)/g, '')
    .replace(/[{}$_^\s]/g, '')
    .replace(/^-+|-+$/g, '');
}

/** Every tab-separated line of the paper as its cleaned cells. */
function paperRows(): string[][] {
  return fs
    .readFileSync(sharedPath('paper', 'fish-tuning.md'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('\t'))
    .map((l) => l.split('\t').map(clean).filter((c) => c !== ''));
}

const isNumber = (c: string) => /^\d+(\.\d+)?$/.test(c);

describe.skipIf(!hasShared('paper', 'fish-tuning.md'))("the paper's numbers in reproduce/paper.ts", () => {
  const rows = paperRows();
  /** The last seven numbers of each row: the six GLUE tasks and their average. */
  const tails = new Set(rows.map((r) => r.filter(isNumber).slice(-7).map(Number).join(' ')));

  it('Table 6 (fixed ratio): every original and FISH row of every method is a row of the paper', () => {
    let checked = 0;
    for (const [method, groups] of Object.entries(PAPER_FIXED_RATIO))
      for (const [i, g] of groups.entries())
        for (const which of ['original', 'fish'] as const) {
          const want = TASK_ORDER.map((t) => g[which][t]!).join(' ');
          expect(tails.has(want), `${method} group ${i + 1} ${which}: ${want}`).toBe(true);
          checked++;
        }
    expect(checked).toBe(6 * 4 * 2);
  });

  it('Table 9 (masks, LoRA): every selection at every ratio is a row of the paper, with its Ratio2', () => {
    for (const [ratio, selections] of Object.entries(PAPER_MASKS_LORA))
      for (const [sel, scores] of Object.entries(selections)) {
        const want = TASK_ORDER.map((t) => scores[t]!).join(' ');
        const row = rows.find((r) => r.filter(isNumber).slice(-7).map(Number).join(' ') === want);
        expect(row, `${sel} ${ratio}: ${want}`).toBeDefined();
        // The OCR dropped the '%' of one Ratio2 cell ('5').
        expect(row!.includes(ratio) || row!.includes(ratio.replace('%', '')), `${sel} ${ratio}: ${row!.join(' | ')}`).toBe(true);
      }
  });

  it('Table 4 (LoRI) and Table 5 (resources) agree with the paper', () => {
    const lori = rows.find((r) => r[0] === 'LoRI')!.slice(1).map(Number);
    const fish = rows.find((r) => r[0] === 'FISHTuning')!.slice(1).map(Number);
    expect(Object.values(PAPER_LORI).map((x) => x.lori)).toEqual(lori);
    expect(Object.values(PAPER_LORI).map((x) => x.fish)).toEqual(fish);
    for (const [ratio2, p] of Object.entries(PAPER_RESOURCES)) {
      const row = rows.find((r) => r[2] === ratio2 && /^Orig|^LoRA-FISH$/.test(r[0]!) && r.length === 5);
      expect(row, ratio2).toBeDefined();
      expect([Number(row![1]!.replace('%', '')), Number(row![3]), Number(row![4])]).toEqual([p.ratio1, p.time, p.memoryMb]);
    }
  });
});
