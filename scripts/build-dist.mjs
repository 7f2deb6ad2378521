#!/usr/bin/env node
// Build the package's compiled entry points into dist/ (run by `npm run build` and by `prepack`,
// so `npm pack` and `npm publish` always ship a fresh build): tsc compiles index.ts and the
// test-runner helpers with everything they import (tsconfig.build.json), then the data files the
// compiled modules read beside themselves are copied.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
// simulator/market/contracts.ts reads ../data/contracts.json relative to itself.
cpSync(path.join(root, 'simulator/data'), path.join(dist, 'simulator/data'), { recursive: true });
// tsc rewrites `./x.ts` to `./x.js` in the JS it emits but not in the declarations: do it there,
// so a consumer's TypeScript resolves them without allowImportingTsExtensions.
for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
  if (!file.endsWith('.d.ts')) continue;
  const full = path.join(dist, file);
  const text = readFileSync(full, 'utf8');
  const rewritten = text.replace(/(['"])(\.{1,2}\/[^'"\n]*?)\.ts\1/g, '$1$2.js$1');
  if (rewritten !== text) writeFileSync(full, rewritten);
}
