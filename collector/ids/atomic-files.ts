import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';

/** File primitives whose results other processes can never observe half-done. */

export type ReadResult<T> = { kind: 'ok'; value: T; raw: string } | { kind: 'missing' } | { kind: 'garbage'; raw: string };

export async function readJson<T>(file: string): Promise<ReadResult<T>> {
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return { kind: 'missing' };
    throw err;
  }
  try {
    return { kind: 'ok', value: JSON.parse(raw) as T, raw };
  } catch {
    return { kind: 'garbage', raw };
  }
}

/**
 * Create `file` with `content` iff it does not exist. The content goes to a private temp file
 * first and is hard-linked into place: link(2) fails with EEXIST exactly like open(O_EXCL), but
 * the file appears complete, whereas open('wx') + write would briefly show other processes an
 * empty file they could take for garbage and reclaim.
 */
export async function publishExclusive(file: string, content: string): Promise<boolean> {
  const temp = `${file}.tmp-${randomUUID()}`;
  await fs.writeFile(temp, content, { flag: 'wx' });
  try {
    await fs.link(temp, file);
    return true;
  } catch (err) {
    if (isErrno(err, 'EEXIST')) return false;
    throw err;
  } finally {
    await fs.unlink(temp).catch(ignoreErrno('ENOENT'));
  }
}

/** Replace `file`'s content in one step (temp file + rename). */
export async function replaceAtomically(file: string, content: string): Promise<void> {
  const temp = `${file}.tmp-${randomUUID()}`;
  await fs.writeFile(temp, content, { flag: 'wx' });
  try {
    await fs.rename(temp, file);
  } catch (err) {
    await fs.unlink(temp).catch(ignoreErrno('ENOENT'));
    throw err;
  }
}

export async function unlinkIfPresent(file: string): Promise<void> {
  await fs.unlink(file).catch(ignoreErrno('ENOENT'));
}

export function isErrno(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === code;
}

export function ignoreErrno(code: string): (err: unknown) => void {
  return (err) => {
    if (!isErrno(err, code)) throw err;
  };
}

/** File-name-safe and injective: every character outside [A-Za-z0-9.-] becomes `_hh` / `_uhhhh`. */
export function encodeForFileName(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return code < 256 ? `_${code.toString(16).padStart(2, '0')}` : `_u${code.toString(16).padStart(4, '0')}`;
  });
}
