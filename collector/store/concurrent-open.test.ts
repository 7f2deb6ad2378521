/**
 * Twelve processes opening one new database at the same moment (the twelve `collect`
 * processes on a fresh --data-dir, without the gateway): every one succeeds, and the schema is
 * applied once. Before migrations read user_version under the write lock, half of them failed
 * with "schema is not one this version understands".
 */
import { spawn } from 'node:child_process';
import { buildSync } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from './index.ts';

const worker = fileURLToPath(new URL('../testing/open-store-worker.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('migrating a new database from many processes at once', () => {
  it('12 processes opening a fresh file together all succeed, at the latest version', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'concurrent-open-'));
    const file = path.join(dir, 'collector.db');
    // One bundle, twelve plain node processes: twelve tsx start-ups would cost ~10 s of CPU.
    // esbuild comes with tsx; better-sqlite3 stays external and is found through NODE_PATH.
    const bundle = path.join(dir, 'open-store-worker.cjs');
    buildSync({ entryPoints: [worker], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, external: ['better-sqlite3'], logLevel: 'error' });
    const env = { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') };
    const children = Array.from({ length: 12 }, () => spawn(process.execPath, [bundle, file], { cwd: repoRoot, env }));
    const lines = children.map((c) => createInterface({ input: c.stdout })[Symbol.asyncIterator]());
    const next = async (i: number) => {
      const { value, done } = await lines[i]!.next();
      if (done) throw new Error(`worker ${i} exited early`);
      return value as string;
    };
    try {
      // Everyone loaded and waiting, then all go at once so the opens really overlap.
      for (let i = 0; i < children.length; i++) expect(await next(i)).toBe('ready');
      for (const c of children) c.stdin.write('go\n');
      const results = await Promise.all(children.map((_c, i) => next(i).then((l) => JSON.parse(l) as { ok: boolean; error?: string })));
      expect(results.filter((r) => !r.ok)).toEqual([]);
    } finally {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    }
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version);
    } finally {
      db.close();
    }
  }, 90_000);
});
