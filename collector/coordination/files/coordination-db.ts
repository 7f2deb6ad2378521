/**
 * The files adapter's shared state beyond the lease files: one SQLite file
 * (`<dataDir>/leases/coordination.sqlite`) that every collector process on the host opens. It
 * holds the fencing counter of each gateway, the pacing records of each login and the
 * qualification cache. SQLite's own locking makes each check-and-charge one atomic step across
 * processes, and a lock dies with the process that held it, so a crash leaves nothing to break.
 * better-sqlite3 is synchronous: each call is a few row reads and writes, and waits for another
 * process's lock at most `busyTimeoutMs`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { toStoreError } from '../../store/sqlite-errors.ts';
import { budgetHorizonMs, judgeCharge, recordOf, type ChargedRecord } from '../budget-judge.ts';
import type { BudgetRules, CachedContract, ChargeResult, PacingCharge } from '../port.ts';

export const COORDINATION_DB_FILE = 'coordination.sqlite';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS fences (gateway TEXT PRIMARY KEY, value INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS pacing_sent (
    login TEXT NOT NULL, at REAL NOT NULL, identity_key TEXT NOT NULL, contract_key TEXT NOT NULL,
    weight INTEGER NOT NULL, messages INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS pacing_sent_by_login ON pacing_sent (login, at);
  CREATE TABLE IF NOT EXISTS pacing_pause (login TEXT PRIMARY KEY, until REAL NOT NULL);
  CREATE TABLE IF NOT EXISTS qualification_cache (
    login TEXT NOT NULL, query_key TEXT NOT NULL, contract TEXT NOT NULL, expires_at REAL NOT NULL,
    PRIMARY KEY (login, query_key)
  );
`;

interface SentRow {
  at: number;
  identity_key: string;
  contract_key: string;
  weight: number;
  messages: number;
}

export class CoordinationDb {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly st: ReturnType<typeof prepare>;

  /** Open (creating) `<dir>/coordination.sqlite`. Fails with a StoreError naming the file. */
  constructor(dir: string, opts: { busyTimeoutMs?: number } = {}) {
    this.file = path.join(dir, COORDINATION_DB_FILE);
    try {
      mkdirSync(dir, { recursive: true });
      this.db = new Database(this.file, { timeout: opts.busyTimeoutMs ?? 5_000 });
      this.db.pragma('journal_mode = WAL');
      // Schema creation is idempotent and runs inside one write transaction, so processes opening
      // a new file at the same moment take turns instead of seeing each other's half-made schema.
      this.db
        .transaction(() => {
          this.db.exec(SCHEMA);
          // Files made before charges could be marked sent lack the column; add it.
          const columns = this.db.prepare('SELECT name FROM pragma_table_info(?)').all('pacing_sent') as Array<{ name: string }>;
          if (!columns.some((c) => c.name === 'charge_id')) this.db.exec('ALTER TABLE pacing_sent ADD COLUMN charge_id TEXT');
        })
        .immediate();
      this.st = prepare(this.db);
    } catch (err) {
      throw toStoreError(err, this.file, 'open the coordination database');
    }
  }

  /** The next fencing token of `gateway`: one more than any handed out before, by any process. */
  nextFence(gateway: string): number {
    return this.guard('take a fencing token', () => (this.st.nextFence.get(gateway) as { value: number }).value);
  }

  /** Check and, if it fits, record `charge` for `login` at wall time `now`, in one transaction. */
  charge(login: string, charge: PacingCharge, rules: BudgetRules, now: number): ChargeResult {
    return this.guard('charge the pacing budget', () =>
      this.db
        .transaction(() => {
          this.st.forget.run(login, now - budgetHorizonMs(rules));
          const history: ChargedRecord[] = (this.st.history.all(login) as SentRow[]).map((r) => ({
            at: r.at,
            identityKey: r.identity_key,
            contractKey: r.contract_key,
            weight: r.weight,
            messages: r.messages,
          }));
          const pause = this.st.pausedUntil.get(login) as { until: number } | undefined;
          const verdict = judgeCharge(history, charge, rules, now, pause?.until ?? -Infinity);
          if (!verdict.granted) return verdict;
          const chargeId = charge.sendWithinMs === undefined ? undefined : randomUUID();
          const r = recordOf(charge, rules, now, chargeId);
          this.st.record.run(login, r.at, r.identityKey, r.contractKey, r.weight, r.messages, chargeId ?? null);
          return chargeId === undefined ? verdict : { granted: true as const, chargeId };
        })
        .immediate(),
    );
  }

  /** Re-stamp `login`'s charge `chargeId` as sent at `now` (never later than it was recorded at). */
  markSent(login: string, chargeId: string, now: number): void {
    this.guard('mark a charge sent', () => this.st.markSent.run(now, login, chargeId));
  }

  pause(login: string, until: number): void {
    this.guard('pause the pacing budget', () => this.st.pause.run(login, until));
  }

  getQualification(login: string, key: string, now: number): CachedContract | undefined {
    const row = this.guard('read the qualification cache', () => this.st.getQualification.get(login, key, now) as { contract: string } | undefined);
    return row ? (JSON.parse(row.contract) as CachedContract) : undefined;
  }

  putQualification(login: string, key: string, contract: CachedContract, expiresAt: number, now: number): void {
    this.guard('write the qualification cache', () => {
      this.st.forgetQualifications.run(now);
      this.st.putQualification.run(login, key, JSON.stringify(contract), expiresAt);
    });
  }

  close(): void {
    this.db.close();
  }

  private guard<T>(operation: string, f: () => T): T {
    try {
      return f();
    } catch (err) {
      throw toStoreError(err, this.file, operation);
    }
  }
}

function prepare(db: Database.Database) {
  return {
    nextFence: db.prepare('INSERT INTO fences (gateway, value) VALUES (?, 1) ON CONFLICT (gateway) DO UPDATE SET value = value + 1 RETURNING value'),
    forget: db.prepare('DELETE FROM pacing_sent WHERE login = ? AND at <= ?'),
    history: db.prepare('SELECT at, identity_key, contract_key, weight, messages FROM pacing_sent WHERE login = ? ORDER BY at'),
    record: db.prepare('INSERT INTO pacing_sent (login, at, identity_key, contract_key, weight, messages, charge_id) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    markSent: db.prepare('UPDATE pacing_sent SET at = min(at, ?), charge_id = NULL WHERE login = ? AND charge_id = ?'),
    pausedUntil: db.prepare('SELECT until FROM pacing_pause WHERE login = ?'),
    pause: db.prepare('INSERT INTO pacing_pause (login, until) VALUES (?, ?) ON CONFLICT (login) DO UPDATE SET until = max(until, excluded.until)'),
    forgetQualifications: db.prepare('DELETE FROM qualification_cache WHERE expires_at <= ?'),
    getQualification: db.prepare('SELECT contract FROM qualification_cache WHERE login = ? AND query_key = ? AND expires_at > ?'),
    putQualification: db.prepare(
      'INSERT INTO qualification_cache (login, query_key, contract, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (login, query_key) DO UPDATE SET contract = excluded.contract, expires_at = excluded.expires_at',
    ),
  };
}
