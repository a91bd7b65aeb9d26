import { defineConfig } from 'tsup';
import { nodeRequireBanner, packageBuild } from '../../tsup.base';

export default defineConfig(packageBuild({ entry: ['src/index.ts', 'src/select.ts'], banner: nodeRequireBanner }));
