import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

// browser.ts: the file-system-free entry that bundlers pick through the `browser` export condition.
export default defineConfig(packageBuild({ entry: ['src/index.ts', 'src/browser.ts'] }));
