/** @module @fish-tuning/test-utils — private helpers shared by the packages' tests. */
export { repoRoot, sharedPath, hasShared, modelCachePath } from './paths.js';
export { pythonBin, pythonHas, interpreterHas, runPython } from './python.js';
export { pyrefDir, pyrefPython } from './pyref.js';
export { cliBundle } from './cli-bundle.js';
export { closeness, expectAllClose, relativeError, tensorCountAround } from './numeric.js';
export { CHROMIUM_PATH, hasChromium, launchChromium, runInChromium, type LaunchChromiumOptions, type RunInChromiumOptions } from './browser.js';
export { OP_CASES, makeInput, runCase, runAllCases, type OpCase, type CaseResult, type InputSpec } from './backend-conformance/op-cases.js';
export { compareBackends, disagreements, type Disagreement } from './backend-conformance/compare.js';
export { browserBundleProblems } from './bundle.js';

