/** @module @fish-tuning/core/node — file access for Node (safetensors files, atomic writes, PEFT adapter dirs). */
export { SafetensorsFile, readSafetensorsFile, writeFileAtomic, writeSafetensorsFile, readJsonFile, writeJsonFileAtomic } from './node.js';
export { DiskWriteError, isDiskWriteError, asDiskWriteError } from './atomic-write.js';
export { saveAdapter, readAdapterDir, loadAdapter, type SaveAdapterOptions } from './adapter-dir.js';
export type { AdapterFiles } from './adapter-files.js';
