import { StoreError, type StoreFailure } from '../errors.ts';

/** Map a better-sqlite3 / SQLite error code onto what the caller can do about it. */
export function classifySqliteError(err: unknown): StoreFailure {
  const code = String((err as { code?: unknown } | undefined)?.code ?? '');
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return 'corrupt';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'locked';
  if (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH') return 'constraint';
  if (
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_IOERR') ||
    code.startsWith('SQLITE_READONLY') ||
    code === 'SQLITE_FULL' ||
    code === 'SQLITE_PERM'
  ) {
    return 'io';
  }
  if ((err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return 'io';
  return 'other';
}

/** Wrap anything thrown by SQLite as a StoreError naming the file; leave StoreErrors and input errors alone. */
export function toStoreError(err: unknown, path: string, operation: string): unknown {
  if (err instanceof StoreError || err instanceof RangeError) return err;
  return new StoreError(classifySqliteError(err), path, operation, err);
}
