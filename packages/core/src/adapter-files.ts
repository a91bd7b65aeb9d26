/**
 * PEFT's adapter format as bytes, whatever the method (browser-safe: no file system). A directory holds
 * `adapter_config.json` + `adapter_model.safetensors`; here they are a name → bytes map, which a browser
 * can zip or download and Node writes to disk (`@fish-tuning/core/node`'s loadAdapter/saveAdapter).
 * The registry picks the method from the config's peft_type, so this is PEFT's
 * `PeftModel.from_pretrained(model, dir)` for every registered method.
 * @module
 */
import { FishTuningError } from './errors.js';
import { ADAPTER_CONFIG_NAME, ADAPTER_WEIGHTS_NAME } from './state-dict.js';
import { readSafetensorsBytes, writeSafetensorsBytes, type DecodedTensor } from './safetensors.js';
import { toWritable } from './tensors.js';
import { configToJson, type PeftAdapter, type PeftConfigBase } from './peft.js';
import type { PeftTargetModel } from './model.js';
import { tunerForConfig } from './registry.js';
import { refuseUnsupportedConfigKeys } from './peft-config-keys.js';

/** A saved adapter, read: the parsed config and the decoded tensors, with the names to put in errors. */
export interface AdapterFiles {
  config: PeftConfigBase;
  tensors: Map<string, DecodedTensor>;
  /** Where the config came from (a path, or the file name inside an upload). */
  configFile?: string;
  weightsFile?: string;
}

/** Injects the adapter `files` describe into `model` (in place) and assigns its tensors; the registered method for its peft_type does the work. */
export function adapterFromFiles(model: PeftTargetModel, files: AdapterFiles): PeftAdapter {
  refuseUnsupportedConfigKeys(files.config, files.configFile);
  const tuner = tunerForConfig(files.config, files.configFile);
  const config = tuner.fromJson(files.config, model, files.configFile);
  return tuner.load(model, config, files.tensors, files.weightsFile);
}

/** The adapter's JSON config text, as written to adapter_config.json (`baseModelNameOrPath` overrides the config's). */
export function adapterConfigText(adapter: PeftAdapter, options: { baseModelNameOrPath?: string } = {}): string {
  const json = configToJson(adapter.config);
  if (options.baseModelNameOrPath !== undefined) json.base_model_name_or_path = options.baseModelNameOrPath;
  return JSON.stringify(json, null, 2) + '\n';
}

/** adapter_model.safetensors' bytes (tensors read back asynchronously, so this works on every backend). */
export async function adapterWeightsBytes(adapter: PeftAdapter, options: { dtype?: 'F32' | 'F16' } = {}): Promise<Uint8Array> {
  return writeSafetensorsBytes(await toWritable(adapter.stateDict(), options.dtype ?? 'F32'), { format: 'pt' });
}

/** Both files of a saved adapter by name (`adapter_config.json`, `adapter_model.safetensors`). */
export async function adapterToFiles(adapter: PeftAdapter, options: { dtype?: 'F32' | 'F16' } = {}): Promise<Map<string, Uint8Array>> {
  return new Map([
    [ADAPTER_WEIGHTS_NAME, await adapterWeightsBytes(adapter, options)],
    [ADAPTER_CONFIG_NAME, new TextEncoder().encode(adapterConfigText(adapter))],
  ]);
}

/**
 * Parses an adapter's two files from bytes (a browser upload or a zip's entries). `where` prefixes the
 * file names in errors (e.g. the upload's name).
 */
export function adapterFilesFromBytes(files: ReadonlyMap<string, Uint8Array>, where = ''): AdapterFiles {
  const configFile = `${where}${ADAPTER_CONFIG_NAME}`;
  const weightsFile = `${where}${ADAPTER_WEIGHTS_NAME}`;
  const configBytes = files.get(ADAPTER_CONFIG_NAME);
  const weightBytes = files.get(ADAPTER_WEIGHTS_NAME);
  if (!configBytes) throw new FishTuningError('missing', { file: configFile });
  if (!weightBytes) throw new FishTuningError('missing', { file: weightsFile });
  let config: PeftConfigBase;
  try {
    config = JSON.parse(new TextDecoder().decode(configBytes)) as PeftConfigBase;
  } catch (e) {
    throw new FishTuningError(`invalid JSON (${(e as Error).message})`, { file: configFile });
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new FishTuningError('expected a JSON object', { file: configFile });
  return { config, tensors: readSafetensorsBytes(weightBytes, weightsFile).tensors, configFile, weightsFile };
}
