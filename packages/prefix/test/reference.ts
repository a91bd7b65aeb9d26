/**
 * Python references shared by the ia3 and prefix tests: an independent PyTorch forward of stories260K
 * (llama2c_reference.py) and Python PEFT loading our directory onto a Hugging Face Llama (peft_load.py).
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const LLAMA2C_REFERENCE = fs.readFileSync(path.join(here, 'llama2c_reference.py'), 'utf8');
export const PEFT_LOAD = fs.readFileSync(path.join(here, 'peft_load.py'), 'utf8');
export const PEFT_LOAD_BERT = fs.readFileSync(path.join(here, 'peft_load_bert.py'), 'utf8');
