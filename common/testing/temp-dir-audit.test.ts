/** The temp-dir audit itself: a clean run passes; a leftover fails the run by its exit code, and is removed. */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import setup from './temp-dir-audit.ts';

const outer = process.env.TMPDIR;
afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

describe('temp-dir audit', () => {
  it('points TMPDIR at a private directory and leaves the exit code alone when nothing is left', () => {
    const teardown = setup();
    const root = tmpdir();
    expect(root).not.toBe(outer);
    expect(path.basename(root)).toMatch(/^ibkr-harness-tests-/);
    mkdirSync(path.join(root, 'tsx-0')); // a tool's cache is not a leftover
    teardown();
    expect(process.env.TMPDIR).toBe(outer);
    expect(existsSync(root)).toBe(false);
    expect(process.exitCode).toBeUndefined();
  });

  it('fails the run, naming what a test left behind, and removes it', () => {
    const said = vi.spyOn(console, 'error').mockImplementation(() => {});
    const teardown = setup();
    const root = tmpdir();
    const leak = mkdtempSync(path.join(root, 'collect-cli-'));
    writeFileSync(path.join(leak, 'bars.db'), '');
    teardown();
    expect(process.exitCode).toBe(1);
    expect(said.mock.calls.join('\n')).toContain(`tests left 1 temporary entry behind (removed now): ${path.basename(leak)}`);
    expect(existsSync(root)).toBe(false);
  });
});
