import { afterEach, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import {
  AdapterBase,
  FishTuningError,
  Linear,
  Module,
  adapterFilesFromBytes,
  adapterFromFiles,
  adapterToFiles,
  configToJson,
  getTuner,
  loadAdapterState,
  parameterCount,
  registerTuner,
  registeredTuners,
  tunerForConfig,
  unregisterTuner,
  type PeftConfigBase,
  type PeftTargetModel,
  type TrainableParameter,
  type Tuner,
} from '@fish-tuning/core';

/** A one-Linear model: enough for a method that owns one vector and a saved head. */
class TinyModel extends Module {
  lin = new Linear(tf.tensor2d([[1, 2], [3, 4]]), null);
  readonly task = 'classification' as const;
  readonly modelType = 'tiny';
  readonly dims = { numLayers: 1, hiddenSize: 2, numHeads: 1, numKvHeads: 1, headDim: 2, intermediateSize: 2, vocabSize: 2 };
  prefix = null;
  head = tf.variable(tf.zeros([2]));
  layerPath(): string {
    return 'lin';
  }
  logits(): tf.Tensor {
    throw new Error('unused');
  }
  perExampleLoss(): tf.Tensor1D {
    throw new Error('unused');
  }
  headParameters(): TrainableParameter[] {
    return [{ name: 'base_model.model.classifier.weight', variable: this.head, module: 'classifier', role: 'head', layer: null, fishCandidate: false }];
  }
  dispose(): void {
    this.lin.kernel.dispose();
    this.head.dispose();
  }
}

interface VecConfig extends PeftConfigBase {
  peft_type: 'VEC';
  size: number;
  modules_to_save: string[] | null;
  flavour?: string;
}

class VecAdapter extends AdapterBase<VecConfig> {
  readonly vec: tf.Variable;
  released = 0;
  constructor(config: VecConfig, model: PeftTargetModel) {
    super(config, model, ['lin']);
    this.vec = tf.variable(tf.ones([config.size]));
  }
  trainableParameters(): TrainableParameter[] {
    return [{ name: 'base_model.model.lin.vec', variable: this.vec, module: 'lin', role: 'vec', layer: null, fishCandidate: true }];
  }
  protected release(): void {
    this.released++;
    this.vec.dispose();
  }
}

function vecTuner(name: string, claims?: (json: PeftConfigBase) => boolean): Tuner<VecConfig, { size?: number }, VecAdapter> {
  return {
    name,
    peftType: 'VEC',
    ...(claims ? { claims } : {}),
    config: (o, m) => ({ peft_type: 'VEC', size: o.size ?? 2, modules_to_save: m.task === 'classification' ? ['classifier'] : null, ...(name !== 'vec' ? { flavour: name } : {}) }),
    fromJson: (json, _m, file) => {
      if (typeof json.size !== 'number') throw new FishTuningError('size must be a number', { file, option: 'size' });
      return json as VecConfig;
    },
    toJson: configToJson,
    inject: (m, c) => new VecAdapter(c, m),
    load: (m, c, t, f) => loadAdapterState(new VecAdapter(c, m), t, f),
    count: (c, m) => parameterCount({ vec: c.size }, c.modules_to_save ? 2 : 0),
  };
}

afterEach(() => {
  for (const name of registeredTuners()) unregisterTuner(name);
});

describe('tuner registry', () => {
  it('finds a method by name and a saved config by peft_type; a claiming tuner takes its variant', () => {
    const plain = vecTuner('vec');
    const flavoured = vecTuner('vec-plus', (json) => json.flavour === 'vec-plus');
    registerTuner(plain);
    registerTuner(flavoured);
    expect(getTuner('vec-plus')).toBe(flavoured);
    expect(tunerForConfig({ peft_type: 'VEC', size: 1 })).toBe(plain);
    expect(tunerForConfig({ peft_type: 'VEC', size: 1, flavour: 'vec-plus' })).toBe(flavoured);
    unregisterTuner('vec');
    // Only the claiming tuner is left: a config it does not claim has no method.
    expect(() => tunerForConfig({ peft_type: 'VEC', size: 1 }, 'a/adapter_config.json')).toThrow(/file 'a\/adapter_config.json', option 'peft_type': no registered method takes this VEC config/);
  });

  it('treats user strings as data: Object.prototype names are unknown, not prototype hits', () => {
    registerTuner(vecTuner('vec'));
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(() => getTuner(name)).toThrow(new RegExp(`option 'method': unknown method '${name}'`));
      expect(() => tunerForConfig({ peft_type: name })).toThrow(/option 'peft_type': peft_type '.*' has no registered method; registered: VEC \(vec\)/);
    }
    // peft_type must be the config's own string property.
    expect(() => tunerForConfig(Object.create({ peft_type: 'VEC' }))).toThrow(/missing or non-string 'peft_type'/);
    expect(() => tunerForConfig({ peft_type: 3 } as never, 'c.json')).toThrow(/file 'c.json', option 'peft_type'/);
  });

  it('warns when a name is registered again and keeps one entry per peft_type', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const first = vecTuner('vec');
    const second = vecTuner('vec');
    registerTuner(first);
    registerTuner(second);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/'vec' registered again/));
    expect(tunerForConfig({ peft_type: 'VEC' })).toBe(second);
    expect(registeredTuners()).toEqual(['vec']);
    warn.mockRestore();
  });
});

describe('adapter files (browser-safe)', () => {
  it('round-trips an adapter through bytes with the head, and loads it by peft_type', async () => {
    registerTuner(vecTuner('vec'));
    const model = new TinyModel();
    const tuner = getTuner('vec');
    const adapter = tuner.inject(model, tuner.config({ size: 3 }, model), null as never) as VecAdapter;
    adapter.vec.assign(tf.tensor1d([0.5, -1, 2]));
    model.head.assign(tf.tensor1d([7, 8]));
    const files = await adapterToFiles(adapter);
    expect([...files.keys()].sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    expect(JSON.parse(new TextDecoder().decode(files.get('adapter_config.json')))).toEqual({ peft_type: 'VEC', size: 3, modules_to_save: ['classifier'] });
    adapter.dispose();
    adapter.dispose(); // idempotent
    expect(adapter.released).toBe(1);
    model.head.assign(tf.zeros([2]));

    const parsed = adapterFilesFromBytes(files, 'upload/');
    const loaded = adapterFromFiles(model, parsed) as VecAdapter;
    expect(Array.from(await loaded.vec.data())).toEqual([0.5, -1, 2]);
    expect(Array.from(await model.head.data())).toEqual([7, 8]);
    expect([...loaded.stateDict().keys()].sort()).toEqual(['base_model.model.classifier.weight', 'base_model.model.lin.vec']);
    loaded.dispose();
    model.dispose();
  });

  it('names the file on bad bytes, a wrong shape or a leftover tensor, and leaves no adapter behind', async () => {
    registerTuner(vecTuner('vec'));
    const model = new TinyModel();
    const files = await adapterToFiles(new VecAdapter({ peft_type: 'VEC', size: 2, modules_to_save: null }, model));
    expect(() => adapterFilesFromBytes(new Map([['adapter_model.safetensors', new Uint8Array(8)]]), 'up/')).toThrow(/file 'up\/adapter_config.json': missing/);
    expect(() => adapterFilesFromBytes(new Map([...files, ['adapter_config.json', new TextEncoder().encode('{oops')]]))).toThrow(/file 'adapter_config.json': invalid JSON/);
    const wrongSize = adapterFilesFromBytes(new Map([...files, ['adapter_config.json', new TextEncoder().encode('{"peft_type":"VEC","size":5,"modules_to_save":null}')]]));
    expect(() => adapterFromFiles(model, wrongSize)).toThrow(/file 'adapter_model.safetensors', tensor 'base_model.model.lin.vec': shape \[2\] does not match the expected \[5\]/);
    const n = tf.memory().numTensors;
    const bad = adapterFilesFromBytes(new Map([...files, ['adapter_config.json', new TextEncoder().encode('{"peft_type":"VEC","size":"x"}')]]));
    expect(() => adapterFromFiles(model, bad)).toThrow(/file 'adapter_config.json', option 'size'/);
    expect(tf.memory().numTensors).toBe(n);
    model.dispose();
  });
});
