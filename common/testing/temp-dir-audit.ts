/**
 * Vitest global setup: every test of the run gets its temporary files under one private directory
 * (TMPDIR points there, for the test workers and every process they spawn), and at the end the
 * run fails if a test left anything in it: tests clean up after themselves. The directory itself
 * is removed either way, so /tmp holds nothing of the run afterwards, and runs of other checkouts
 * on the same machine do not see each other's files.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Caches of the tools the tests run (tsx compiles the CLI into `tsx-<uid>`), not files of a test. */
const TOOL_CACHES = [/^tsx-\d+$/, /^node-compile-cache$/];

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(path.join(tmpdir(), 'ibkr-harness-tests-'));
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    const left = readdirSync(root).filter((name) => !TOOL_CACHES.some((re) => re.test(name)));
    rmSync(root, { recursive: true, force: true });
    if (left.length) {
      // Vitest reports an error thrown here but still exits 0: fail the run by its exit code.
      console.error(
        `\n✘ tests left ${left.length} temporary entr${left.length === 1 ? 'y' : 'ies'} behind (removed now): ${left.join(', ')}. A test that makes a temp dir must remove it (rmSync in afterAll/afterEach or finally).\n`,
      );
      process.exitCode = 1;
    }
  };
}
