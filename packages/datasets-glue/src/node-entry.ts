/**
 * Node-only loading of GLUE splits: local directories in JSONL, Parquet or GLUE-TSV layout, and
 * checksummed downloads from the Hugging Face Hub into a cache.
 * @module @fish-tuning/datasets-glue/node
 */
export { loadGlue } from './load.js';
export type { LoadGlueOptions } from './load.js';
export { readGlueFile } from './io/read-file.js';
export { GLUE_FORMATS, findGlueFile, glueFileCandidates } from './io/layout.js';
export { GLUE_HUB_BASE_URL, GLUE_KNOWN_SHA256, defaultGlueCacheDir, downloadGlueSplit, glueHubPath } from './io/download.js';
export type { GlueDownloadOptions } from './io/download.js';
