#!/usr/bin/env node
/**
 * Sets up the native TensorFlow backend without building anything (CI and `pnpm fish-tune setup-native`
 * share packages/backend-node/setup/native-setup.mjs).
 *   node scripts/setup-native.mjs [--gpu] [--force] [--if-possible]
 * --if-possible: exit 0 after saying why the native backend could not be set up (the wasm backend remains).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeSetupError, findTfjsNodePackage, setupNative } from '../packages/backend-node/setup/native-setup.mjs';

const argv = process.argv.slice(2);
const unknown = argv.filter((a) => !['--gpu', '--force', '--if-possible'].includes(a));
if (unknown.length) {
  console.error(`setup-native: unknown option ${unknown[0]}; accepted: --gpu, --force, --if-possible`);
  process.exit(2);
}
const gpu = argv.includes('--gpu');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packageDir = findTfjsNodePackage(gpu, join(root, 'packages', gpu ? 'backend-node-gpu' : 'backend-node'));
try {
  setupNative({ gpu, packageDir, force: argv.includes('--force') });
} catch (e) {
  if (!(e instanceof NativeSetupError)) throw e;
  console.error(`setup-native: ${e.message}`);
  if (argv.includes('--if-possible')) {
    console.error('setup-native: continuing without it: fish-tune uses the wasm backend');
    process.exit(0);
  }
  process.exit(1);
}
