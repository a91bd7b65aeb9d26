/**
 * The version `fish-tune --version` prints: the CLI package's own (bundled from package.json at build time).
 * @module
 */
import packageJson from '../package.json';

export const CLI_VERSION: string = packageJson.version;
