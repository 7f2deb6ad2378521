export { openStore, type OpenStoreOptions } from './open.ts';
export { SqliteStore } from './sqlite-store.ts';
export { migrations, type Migration } from './schema.ts';
export { normalizeBarTime, type BarTimeOptions } from './bar-time.ts';
export { qualificationKey, type QualificationQuery } from './keys.ts';
export { classifySqliteError } from './sqlite-errors.ts';
export type {
  BarInput,
  BarRange,
  CollectorStore,
  HistoryWindow,
  NewHistoryWindow,
  RunError,
  RunRecord,
  RunStatus,
  SeriesKey,
  StoredBar,
  StoredContract,
  TimeRange,
  UpsertBarsOptions,
} from './types.ts';
