/** @module @fish-tuning/test-utils — private helpers shared by the packages' tests. */
export { repoRoot, sharedPath, hasShared, modelCachePath } from './paths.js';
export { pythonBin, pythonHas, runPython } from './python.js';
export { closeness, expectAllClose, tensorCountAround } from './numeric.js';
export { CHROMIUM_PATH, hasChromium, launchChromium, runInChromium, type LaunchChromiumOptions, type RunInChromiumOptions } from './browser.js';
export { browserBundleProblems } from './bundle.js';

