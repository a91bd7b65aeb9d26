/** @module @fish-tuning/test-utils — private helpers shared by the packages' tests. */
export { repoRoot, sharedPath, hasShared, modelCachePath } from './paths.js';
export { pythonBin, pythonHas, interpreterHas, runPython } from './python.js';
export { pyrefDir, pyrefPython } from './pyref.js';
export { cliBundle } from './cli-bundle.js';
export { closeness, expectAllClose, tensorCountAround } from './numeric.js';
export { CHROMIUM_PATH, hasChromium, runInChromium, type RunInChromiumOptions } from './browser.js';
export { browserBundleProblems } from './bundle.js';
