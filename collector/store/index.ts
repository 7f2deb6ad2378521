export { openStore, SqliteStore, type OpenStoreOptions } from './sqlite-store.ts';
export { migrations, type Migration } from './schema.ts';
export { normalizeBarTime, type BarTimeOptions } from './bar-time.ts';
export { qualificationKey, type QualificationQuery } from './keys.ts';
export { classifySqliteError } from './sqlite-errors.ts';
export type {
  BarInput,
  CollectorStore,
  Coverage,
  RunError,
  RunRecord,
  RunStatus,
  StoredBar,
  StoredContract,
  TimeRange,
  UpsertBarsOptions,
} from './types.ts';
