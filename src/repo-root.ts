// The checkout's root folder (where data/, config/ and package.json are), found from this module's own place so
// that the sources (src/) and the bundle (dist/) agree. Its own module, with no imports beyond Node's, because
// the CLI's error reporting needs it at start and must not load the evidence schemas to get it.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === 'regenspine') return dir;
    } catch {
      /* no package.json here */
    }
    if (dirname(dir) === dir) return resolve(from, '..');
  }
}
