/**
 * One download: the PEFT adapter directory (adapter_config.json, adapter_model.safetensors) with the FISH
 * mask and Fisher sidecars, zipped with fflate under one folder, and the reverse for tests and tools.
 * @module
 */
import { strFromU8, unzipSync, zipSync } from 'fflate';
import { FISHER_SIDECAR_NAME, MASK_SIDECAR_NAME, adapterToFiles, type PeftAdapter } from '@fish-tuning/core';
import { maskToBytes, type Mask } from '@fish-tuning/mask';

/** The adapter directory as files (name → bytes): the library's PEFT files plus the FISH sidecars present. */
export async function adapterDirectoryFiles(adapter: PeftAdapter, mask: Mask | null, fisherBytes: Uint8Array | null): Promise<Map<string, Uint8Array>> {
  const files = await adapterToFiles(adapter);
  if (mask) files.set(MASK_SIDECAR_NAME, maskToBytes(mask));
  if (fisherBytes) files.set(FISHER_SIDECAR_NAME, fisherBytes);
  return files;
}

/** A zip holding `files` under `folder/` (stored uncompressed: safetensors barely compress). */
export function zipFolder(folder: string, files: Map<string, Uint8Array>): Uint8Array {
  const tree: Record<string, Uint8Array> = {};
  for (const [name, bytes] of files) tree[`${folder}/${name}`] = bytes;
  return zipSync(tree, { level: 0 });
}

/** The files of a zip made by {@link zipFolder}: folder name and file name → bytes. */
export function unzipFolder(zip: Uint8Array): { folder: string; files: Map<string, Uint8Array> } {
  const entries = Object.entries(unzipSync(zip)).filter(([name]) => !name.endsWith('/'));
  const folders = new Set(entries.map(([name]) => name.split('/')[0]));
  if (folders.size !== 1 || entries.some(([name]) => name.split('/').length !== 2)) {
    throw new Error(`expected one folder of files in the zip, got ${entries.map(([n]) => n).join(', ')}`);
  }
  return { folder: [...folders][0], files: new Map(entries.map(([name, bytes]) => [name.split('/')[1], bytes])) };
}

export const configJson = (bytes: Uint8Array) => JSON.parse(strFromU8(bytes)) as Record<string, unknown>;
