/**
 * Sentiment classification with FISH-DoRA, using only the public API, as the root README shows it:
 * MiniLM (all-MiniLM-L6-v2) with a fresh 2-way head, DoRA on the attention of the top layers, the FISH
 * mask over the DoRA entries, a few masked training steps on an SST-2 slice, the PEFT adapter saved,
 * loaded back onto a fresh model, and scored with SST-2's GLUE metric (accuracy).
 * @module
 */
import { ready } from '@fish-tuning/backend-wasm'; // the backend is chosen by this import
import { saveAdapter } from '@fish-tuning/core/node';
import { loadHfBert } from '@fish-tuning/models';
import { registerDora } from '@fish-tuning/dora';
import { loadDoraAdapter } from '@fish-tuning/dora/node';
import { encodeForEncoder, glueMetric } from '@fish-tuning/datasets-glue';
import { loadGlue } from '@fish-tuning/datasets-glue/node';
import { fishTune, predict } from '@fish-tuning/pipeline';

export interface ClassifyOptions {
  modelDir: string;
  /** GLUE data root (holding sst2/). */
  dataDir: string;
  outDir: string;
  trainRows?: number;
  evalRows?: number;
  steps?: number;
}

export interface ClassifyResult {
  /** SST-2 accuracy of the trained adapter, in memory and after saving and loading it back. */
  accuracy: number;
  reloadedAccuracy: number;
  /** The fresh head's accuracy before training (the floor to beat). */
  before: number;
  selected: number;
  candidates: number;
  losses: number[];
}

export async function classify(o: ClassifyOptions): Promise<ClassifyResult> {
  await ready();
  registerDora();
  const { trainRows = 64, evalRows = 64, steps = 8 } = o;
  const { model, tokenizer } = await loadHfBert(o.modelDir, { numLabels: 2, seed: 0 });
  const encode = async (split: 'train' | 'validation', limit: number) =>
    (await loadGlue({ task: 'sst2', split, dataDir: o.dataDir, limit })).map((row) => encodeForEncoder('sst2', row, tokenizer!));
  const train = await encode('train', trainRows);
  const validation = await encode('validation', evalRows);
  const labels = validation.map((e) => e.labels);
  const before = glueMetric('sst2', predict(model, validation), labels).score;

  const losses: number[] = [];
  const { adapter, mask } = await fishTune({
    model,
    method: 'dora',
    config: { r: 4, lora_alpha: 8, target_modules: ['query', 'value'], layers: 'top:2' }, // PiSSA init: the default under a FISH mask
    train,
    ratio: 0.05, // the top 5% of DoRA entries by Fisher
    fisher: { samples: 32 },
    training: { lr: 5e-3, maxSteps: steps, batchSize: 8 },
    onProgress: (p) => void (p.phase === 'train' && losses.push(p.step.loss)),
  });
  const accuracy = glueMetric('sst2', predict(model, validation), labels).score;
  await saveAdapter(o.outDir, adapter); // adapter_config.json + adapter_model.safetensors (+ the head)
  adapter.dispose();
  model.dispose();

  const fresh = await loadHfBert(o.modelDir, { numLabels: 2, seed: 1, tokenizer: false });
  const loaded = await loadDoraAdapter(fresh.model, o.outDir);
  const reloadedAccuracy = glueMetric('sst2', predict(fresh.model, validation), labels).score;
  loaded.dispose();
  fresh.model.dispose();
  return { accuracy, reloadedAccuracy, before, selected: mask!.k, candidates: mask!.total, losses };
}
