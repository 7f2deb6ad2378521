/**
 * The message-rate rule as the journal shows it: error 100 for messages refused over the limit
 * (docs/wire-facts/pacing.md#message-rate-100), the warning TWS sends as a client approaches it
 * (docs/wire-facts/verdicts.md#message-rate-warning), and connections the gateway closed for it.
 */
import { IbCode } from '../../common/ib/errors.ts';
import type { JournalEntry } from '../model/journal.ts';
import { BoundedList } from './bounded.ts';
import type { VerdictConfig } from './config.ts';
import { isRateWarning, num } from './reading.ts';
import { checkFields, type Checks } from './schema.ts';
import type { Conn, Timebase } from './state.ts';

type Kind = Checks['rate']['evidence'][number]['kind'];

export class RateTracker {
  private readonly events: BoundedList<Checks['rate']['evidence'][number]>;
  private readonly counts: Record<Kind, number> = { violation: 0, warning: 0, closed: 0 };

  constructor(
    private readonly cfg: VerdictConfig,
    private readonly time: Timebase,
  ) {
    this.events = new BoundedList(cfg.maxEvidence);
  }

  outgoing(c: Conn, e: JournalEntry): void {
    const m = e.message;
    if (m.type !== 'ERR_MSG') return;
    const code = num(m.code);
    if (code === undefined) return;
    const text = String(m.message ?? '');
    if (code === IbCode.RATE_EXCEEDED) this.note('violation', c, e, code, text);
    else if (isRateWarning(code, text, this.cfg.rate.warningCodes)) this.note('warning', c, e, code, text);
  }

  /** A DISCONNECTED note: the gateway closed the connection for its message rate. */
  disconnected(c: Conn, e: JournalEntry): void {
    const reason = String(e.message.reason ?? '');
    if (e.message.by === 'gateway' && /message rate/i.test(reason)) this.note('closed', c, e, null, reason);
  }

  private note(kind: Kind, c: Conn, e: JournalEntry, code: number | null, message: string): void {
    this.counts[kind]++;
    this.events.push(() => ({ kind, conn: this.time.connRef(c), at: this.time.iso(e.at), tMs: this.time.tMs(e.at), code, message }));
  }

  report(gating: boolean): Checks['rate'] {
    const { violation, warning, closed } = this.counts;
    const counted = violation + closed + (this.cfg.rate.failOnWarnings ? warning : 0);
    const first = this.events.items.find((x) => x.kind !== 'warning') ?? this.events.items[0];
    const headline =
      violation + warning + closed === 0
        ? 'no message-rate warning or violation'
        : `${violation} violation(s) (100), ${warning} warning(s), ${closed} connection(s) closed for their rate; first: client ${first?.conn.clientId} from ${first?.conn.remote}`;
    return {
      ...checkFields('rate', gating, { found: counted > 0, count: counted, headline, evidence: this.events.items, omitted: this.events.omitted }),
      violations: violation,
      warnings: warning,
      closed,
    };
  }
}
