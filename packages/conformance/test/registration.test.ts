import { expect, it } from 'vitest';
import { getTuner, registeredTuners } from '@fish-tuning/core';
import * as lora from '@fish-tuning/lora';
import * as dora from '@fish-tuning/dora';
import * as ia3 from '@fish-tuning/ia3';
import * as adapter from '@fish-tuning/adapter';
import * as prefix from '@fish-tuning/prefix';
import * as unipelt from '@fish-tuning/unipelt';

it('importing the method packages registers nothing; each register<Method>() adds exactly its tuner', () => {
  expect(registeredTuners()).toEqual([]);
  const cases = [
    [lora.registerLora, lora.loraTuner],
    [dora.registerDora, dora.doraTuner],
    [ia3.registerIa3, ia3.ia3Tuner],
    [adapter.registerAdapter, adapter.adapterTuner],
    [prefix.registerPrefix, prefix.prefixTuner],
    [unipelt.registerUnipelt, unipelt.unipeltTuner],
  ] as const;
  for (const [register, tuner] of cases) {
    const before = registeredTuners();
    register();
    expect(registeredTuners()).toEqual([...before, tuner.name]);
    expect(getTuner(tuner.name)).toBe(tuner);
  }
});
