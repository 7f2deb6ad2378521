/**
 * The Python example (ib_async app, pytest fixture) run by pytest, when python3 with pytest and
 * ib_async is installed. This project's CI has no Python package index, so there it skips, saying
 * why; the fixture itself (conftest.py) needs only pytest.
 */
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');

function missingPython(): string | undefined {
  try {
    execFileSync('python3', ['-c', 'import pytest, ib_async'], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return (err as { stderr?: Buffer }).stderr?.toString().trim().split('\n').at(-1) ?? 'python3 not found';
  }
}
const missing = missingPython();
if (missing) console.warn(`skipping the Python example: ${missing} (pip install pytest ib_async to run it)`);

describe.skipIf(missing !== undefined)('the ib_async example under pytest', () => {
  it('passes against a simulator from the conftest fixture', async () => {
    const { stdout } = await promisify(execFile)('python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', HERE], {
      cwd: ROOT,
      env: { ...process.env, IBKR_HARNESS: path.join(ROOT, 'bin/ibkr-harness.mjs') },
      timeout: 180_000,
    });
    expect(stdout).toMatch(/2 passed/);
  }, 200_000);
});
