import { defineConfig } from 'tsup';
import { nodeRequireBanner, packageBuild } from '../../tsup.base';

export default defineConfig(packageBuild({ banner: nodeRequireBanner }));
