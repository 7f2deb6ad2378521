/**
 * One process opening a collector database, for the concurrent-migration test.
 * Usage: open-store-worker.ts <dbFile>
 * Prints "ready", waits for "go" on stdin, opens (and so migrates) the store, prints
 * {"ok":true} or {"ok":false,"error":"…"} and exits.
 */
import { createInterface } from 'node:readline';
import { openStore } from '../store/index.ts';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: open-store-worker.ts <dbFile>');

createInterface({ input: process.stdin }).once('line', () => {
  let result: { ok: boolean; error?: string };
  try {
    openStore(file).close();
    result = { ok: true };
  } catch (err) {
    result = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
});
process.stdout.write('ready\n');
