/**
 * FISH-LoRA end to end, composed from the packages exactly as the root README shows it: a real
 * pretrained model, LoRA on q/v, the empirical Fisher of every LoRA entry, the global top-k mask,
 * masked AdamW, and a PEFT-format adapter that Python PEFT loads.
 * @module
 */
import { ready } from '@fish-tuning/backend-wasm'; // the backend is chosen by this import
import { Rng } from '@fish-tuning/core';
import { saveAdapter } from '@fish-tuning/core/node';
import { loadLlama2c } from '@fish-tuning/models';
import { injectLora, loraConfig } from '@fish-tuning/lora';
import { computeFisher, exampleData } from '@fish-tuning/fisher';
import { maskToTensors, scoresFromTensors, selectMask } from '@fish-tuning/mask';
import { train } from '@fish-tuning/trainer';

export interface QuickstartResult {
  losses: number[];
  selected: number;
  candidates: number;
}

export async function quickstart(modelDir: string, sentences: string[], outDir: string, steps = 30): Promise<QuickstartResult> {
  await ready();
  const { model, tokenizer } = await loadLlama2c(modelDir);
  const examples = sentences.map((text) => {
    const ids = [tokenizer!.bosId!, ...tokenizer!.encode(text)];
    return { inputIds: ids, labels: ids }; // causal LM: labels = inputs, shifted inside the model
  });

  // PiSSA (the paper's init): A, B from the top-r SVD of W, so every entry has a non-zero Fisher at the start.
  const config = loraConfig({ r: 4, lora_alpha: 8, target_modules: ['q_proj', 'v_proj'], init_lora_weights: 'pissa' }, model);
  const adapter = injectLora(model, config, new Rng(0));
  const params = adapter.trainableParameters();

  const fisher = await computeFisher(model, params, exampleData(examples, { task: model.task }), { samples: examples.length });
  const mask = selectMask(await scoresFromTensors(fisher.scores), { ratio: 0.05 }); // the top 5% of LoRA entries
  fisher.dispose();

  const losses: number[] = [];
  await train({ model, adapter, masks: maskToTensors(mask), train: examples, lr: 1e-2, maxSteps: steps, batchSize: examples.length, seed: 0, onStep: (s) => void losses.push(s.loss) });
  await saveAdapter(outDir, adapter); // adapter_config.json + adapter_model.safetensors

  adapter.dispose();
  model.dispose();
  return { losses, selected: mask.k, candidates: mask.total };
}
