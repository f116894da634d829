import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root, found from this file rather than from the working directory. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'migrations');
export const DEMO_DATA_DIR = path.join(PROJECT_ROOT, 'seeds', 'data');
