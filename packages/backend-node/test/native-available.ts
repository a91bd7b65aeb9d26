/** Whether the native addon is built here; CI sets FISH_REQUIRE_NATIVE=1 so that a missing one fails instead of skipping. */
import { bindingPath, findTfjsNodePackage, isSetUp } from '../setup/native-setup.mjs';

export function nativeSetUp(gpu = false): boolean {
  const dir = findTfjsNodePackage(gpu, new URL(gpu ? '../../backend-node-gpu/' : '../', import.meta.url).pathname);
  const ok = dir !== null && isSetUp(dir);
  if (!ok) {
    const what = `${gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node'} addon not built (${dir ? bindingPath(dir) : 'package not installed'}): run \`node scripts/setup-native.mjs${gpu ? ' --gpu' : ''}\``;
    if (process.env.FISH_REQUIRE_NATIVE === '1') throw new Error(`FISH_REQUIRE_NATIVE=1 but the ${what}`);
    console.warn(`skipped: ${what}`);
  }
  return ok;
}

