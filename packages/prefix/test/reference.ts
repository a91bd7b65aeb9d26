/** @module The independent PyTorch forward of stories260K (llama2_reference.py), shared by the ia3 and prefix tests. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const LLAMA2C_REFERENCE = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'llama2c_reference.py'), 'utf8');
