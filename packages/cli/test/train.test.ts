import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Rng } from '@fish-tuning/core';
import { readSafetensorsFile } from '@fish-tuning/core/node';
import { hasShared, modelCachePath, sharedPath } from '@fish-tuning/test-utils';
import { cli } from './run.js';

const MODEL = sharedPath('models', 'stories260K');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'train-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));


const data = path.join(tmp, 'rows.jsonl');
const rng = new Rng(4);
fs.writeFileSync(
  data,
  Array.from({ length: 16 }, () => JSON.stringify({ input_ids: [1, ...Array.from({ length: 6 + rng.int(6) }, () => 3 + rng.int(500))] })).join('\n') + '\n',
);
const base = ['train', '--model', MODEL, '--data', data, '--method', 'lora', '--rank', '2', '--layers', 'top:2', '--batch-size', '4', '--no-progress'];

describe.skipIf(!hasShared('models', 'stories260K'))('fish-tune train (stories260K, LoRA)', () => {
  it('runs Fisher → mask → masked training and writes adapter, mask, Fisher, checkpoint, log, metrics; --resume continues', async () => {
    const out = path.join(tmp, 'run');
    const r = await cli([...base, '--select', 'fish', '--ratio', '0.05', '--fisher-samples', '8', '--max-steps', '4', '--checkpoint-every', '2', '--out', out]);
    expect(r.err + r.out).toContain('trained 4/4 steps');
    expect(r.code).toBe(0);
    for (const f of ['adapter_config.json', 'adapter_model.safetensors', 'fish_fisher.safetensors', 'fish_mask.safetensors', 'checkpoint/trainer_state.json', 'checkpoint/optimizer.safetensors', 'log.jsonl', 'metrics.json']) {
      expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    }
    const config = JSON.parse(fs.readFileSync(path.join(out, 'adapter_config.json'), 'utf8'));
    expect(config).toMatchObject({ peft_type: 'LORA', r: 2, layers_to_transform: [3, 4] });
    const mask = (await readSafetensorsFile(path.join(out, 'fish_mask.safetensors'))).tensors;
    const adapter = (await readSafetensorsFile(path.join(out, 'adapter_model.safetensors'))).tensors;
    expect([...mask.keys()].sort()).toEqual([...adapter.keys()].sort());
    const total = [...mask.values()].reduce((n, t) => n + t.data.length, 0);
    const k = [...mask.values()].reduce((n, t) => n + (t.data as Uint8Array).reduce((a: number, b) => a + b, 0), 0);
    expect(k).toBe(Math.round(0.05 * total));
    // Sparse optimizer state: moments only for the k selected entries.
    const opt = (await readSafetensorsFile(path.join(out, 'checkpoint', 'optimizer.safetensors'))).tensors;
    expect([...opt.values()].reduce((n, t) => n + t.data.length, 0)).toBe(2 * k);
    const log = fs.readFileSync(path.join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log.filter((l) => l.type === 'step').map((l) => l.step)).toEqual([1, 2, 3, 4]);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')).steps).toBe(4);

    // More steps change the schedule: refused, naming the flag, unless allowed explicitly.
    const more = [...base, '--select', 'fish', '--ratio', '0.05', '--fisher-samples', '8', '--max-steps', '6', '--out', out, '--resume'];
    const refused = await cli(more);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--max-steps 4 → 6');
    const again = await cli([...more, '--allow-changed-flags']);
    expect(again.err + again.out).toContain('trained 6/6 steps (resumed at 4)');
    expect(again.err).not.toContain('fisher:');
  });

  it('--task glue/sst2 and --task gsm8k load, tokenize and train with the model tokenizer', async () => {
    const glueOut = path.join(tmp, 'sst2');
    const common = ['train', '--model', MODEL, '--method', 'lora', '--rank', '2', '--layers', 'top:1', '--batch-size', '4', '--no-progress', '--max-steps', '2'];
    const g = await cli([...common, '--task', 'glue/sst2', '--data-dir', sharedPath('data'), '--limit', '12', '--eval-limit', '4', '--select', 'fish', '--ratio', '0.1', '--fisher-samples', '4', '--out', glueOut]);
    expect(g.err + g.out).toContain('trained 2/2 steps');
    const metrics = JSON.parse(fs.readFileSync(path.join(glueOut, 'metrics.json'), 'utf8'));
    expect(metrics.evals.at(-1).metrics.eval_loss).toBeGreaterThan(0);
    const m = await cli([...common, '--task', 'gsm8k', '--data-dir', sharedPath('data', 'gsm8k'), '--limit', '4', '--select', 'random', '--count', '10', '--max-tokens', '4096', '--out', path.join(tmp, 'gsm8k')]);
    expect(m.err + m.out).toContain('trained 2/2 steps');
  });

  it('method flags reach the saved config (--alpha, --lora-dropout, --init)', async () => {
    const out = path.join(tmp, 'flags');
    const r = await cli([...base, '--alpha', '8', '--lora-dropout', '0.1', '--init', 'pissa', '--select', 'none', '--max-steps', '1', '--out', out]);
    expect(r.code, r.err).toBe(0);
    const config = JSON.parse(fs.readFileSync(path.join(out, 'adapter_config.json'), 'utf8'));
    expect(config).toMatchObject({ lora_alpha: 8, lora_dropout: 0.1, init_lora_weights: 'pissa' });
    const bad = await cli([...base, '--init', 'zeros', '--select', 'none', '--max-steps', '1', '--out', path.join(tmp, 'bad-init')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/option '--init'.*zeros.*default, gaussian, pissa/);
  });

  it('--select none trains densely with an evaluation set', async () => {
    const out = path.join(tmp, 'dense');
    const r = await cli([...base, '--select', 'none', '--epochs', '1', '--eval-data', data, '--out', out]);
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(out, 'fish_mask.safetensors'))).toBe(false);
    const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics.evals[0].metrics.eval_loss).toBeGreaterThan(0);
    // Evaluations reach the terminal; the summary says where the best step's adapter is (a loss: lower is better).
    expect(r.err).toMatch(/eval step 4 \(epoch 1\.00\): eval_loss \d/);
    expect(r.out).toContain(`best eval_loss ${metrics.best.value.toFixed(4)} at step ${metrics.best.step}: adapter in ${path.join(out, 'best')}/`);
  });

  it('guards --out: refuses a non-empty one, --overwrite replaces the run, a live lock fails, --resume of a finished run changes nothing', async () => {
    const out = path.join(tmp, 'guarded');
    const args = [...base, '--select', 'random', '--count', '20', '--max-steps', '2', '--out', out];
    expect((await cli(args)).code).toBe(0);
    const again = await cli(args);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/file '.*guarded', option '--out': not empty .*overwrite it, resume the run in it/);
    expect(again.err).not.toMatch(/outDir|\n\s+at /);

    const metrics = fs.readFileSync(path.join(out, 'metrics.json'));
    const done = await cli([...args, '--resume']);
    expect(done.code, done.err).toBe(0);
    expect(done.out).toMatch(/nothing to do: the run in .*guarded already finished at step 2\/2; its files are unchanged/);
    expect(fs.readFileSync(path.join(out, 'metrics.json')).equals(metrics)).toBe(true);

    fs.writeFileSync(path.join(out, '.fish-tune.lock'), `${process.ppid}\n`);
    const locked = await cli([...args, '--overwrite']);
    expect(locked.code).toBe(2);
    expect(locked.err).toMatch(new RegExp(`option '--out': another run \\(pid ${process.ppid}\\) is writing to this directory`));
    fs.rmSync(path.join(out, '.fish-tune.lock'));

    fs.writeFileSync(path.join(out, 'notes.txt'), 'mine');
    const dense = await cli([...base, '--select', 'none', '--max-steps', '1', '--out', out, '--overwrite']);
    expect(dense.code, dense.err).toBe(0);
    expect(fs.existsSync(path.join(out, 'fish_mask.safetensors'))).toBe(false);
    expect(fs.readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('one vocabulary: the old --mask still works for one release, with a deprecation note; both spellings at once is an error', async () => {
    const old = await cli([...base, '--mask', 'none', '--max-steps', '1', '--out', path.join(tmp, 'alias')]);
    expect(old.code, old.err).toBe(0);
    expect(old.err).toContain('--mask is deprecated and will be removed in the next release; use --select');
    const both = await cli([...base, '--mask', 'none', '--select', 'fish', '--max-steps', '1', '--out', path.join(tmp, 'alias2')]);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/option '--mask'.*give only --select/);
    const help = await cli(['train', '--help']);
    expect(help.out).toContain('--select <how>');
    expect(help.out).not.toContain('--mask <how>');
  });

  it('warns when a zero-B init meets a FISH mask; PiSSA is the default there', async () => {
    const out = path.join(tmp, 'init-warn');
    const r = await cli([...base, '--select', 'fish', '--count', '20', '--fisher-samples', '4', '--init', 'default', '--max-steps', '1', '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/warning \(--init\): .*lora_A entry has a Fisher of 0/);
    const d = await cli([...base, '--select', 'fish', '--count', '20', '--fisher-samples', '4', '--max-steps', '1', '--out', path.join(tmp, 'init-default')]);
    expect(d.err).not.toMatch(/warning/);
    expect(JSON.parse(fs.readFileSync(path.join(tmp, 'init-default', 'adapter_config.json'), 'utf8')).init_lora_weights).toBe('pissa');
  });

  it('--version prints the CLI version', async () => {
    const r = await cli(['--version']);
    expect(r.out.trim()).toBe(JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8')).version);
  });
});

describe('fish-tune train: bad options name the flag and the accepted values', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--select', 'bogus', '--ratio', '0.1'], /option '--select'.*'bogus'.*none, fish, random, reverse/],
    [['--method', 'lorax', '--select', 'none'], /option '--method'.*lora, dora, ia3, prefix, adapter, unipelt/],
    [['--select', 'fish'], /option '--ratio'.*exactly one of --ratio and --count/],
    [['--select', 'fish', '--ratio', '2'], /option '--ratio'.*\(0, 1\]/],
    [['--select', 'none', '--epochs', '1', '--max-steps', '2'], /option '--max-steps'/],
    [['--select', 'none', '--schedule', 'step'], /option '--schedule'.*linear, cosine, constant/],
    [['--select', 'none', '--optimizer', 'lion'], /option '--optimizer'.*adamw, sgd/],
    [['--select', 'none', '--task', 'squad'], /option '--task'.*glue\/<name>, gsm8k/],
    [['--select', 'none', '--task', 'gsm8k'], /option '--data'.*exactly one of --data/],
  ];
  for (const [flags, message] of cases) {
    it(flags.join(' '), async () => {
      const argv = ['train', '--model', MODEL, '--data', data, '--method', 'lora', '--out', path.join(tmp, 'bad'), ...flags];
      const r = await cli(argv);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
    });
  }
});

describe.skipIf(!fs.existsSync(modelCachePath('all-MiniLM-L6-v2', 'model.safetensors')) || !hasShared('data', 'cola'))('fish-tune train on a GLUE task with a BERT model', () => {
  it("evaluates with the task's GLUE metric (CoLA: Matthews correlation) and follows it for the best checkpoint", async () => {
    const out = path.join(tmp, 'cola');
    const r = await cli(['train', '--model', modelCachePath('all-MiniLM-L6-v2'), '--task', 'glue/cola', '--data-dir', sharedPath('data'), '--num-labels', '2', '--method', 'lora', '--rank', '2', '--layers', 'top:1', '--limit', '8', '--eval-limit', '16', '--select', 'none', '--max-steps', '1', '--batch-size', '4', '--no-progress', '--out', out]);
    expect(r.code, r.err).toBe(0);
    const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
    const last = metrics.evals.at(-1).metrics;
    expect(Object.keys(last)).toEqual(['score', 'matthews', 'eval_loss']);
    expect(last.score).toBe(last.matthews);
    expect(last.matthews).toBeGreaterThanOrEqual(-1);
    expect(last.matthews).toBeLessThanOrEqual(1);
    expect(metrics.best.metric).toBe('score');
    expect(r.err).toMatch(/eval step 1 \(epoch [\d.]+\): score -?[\d.]+, matthews -?[\d.]+, eval_loss [\d.]+/);
  });
});
