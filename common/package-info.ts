/**
 * The package's own name and version, read from its package.json. One home for both, so that
 * `ibkr-harness --version`, capture headers and reports agree. The file is found by walking up
 * from this module, which works from the sources (`common/`) and from the compiled package
 * (`dist/common/`) alike.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_NAME = 'ibkr-harness';

let cached: string | undefined;

/** The version in ibkr-harness's package.json, e.g. `0.1.0`. Throws if no such package.json is found above this module. */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return (cached = pkg.version);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json of ${PACKAGE_NAME} above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
