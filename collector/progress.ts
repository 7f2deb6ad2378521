/**
 * The progress line of `collect` on a terminal: symbols done of all, how many collected, new bars
 * stored. Written to stderr and rewritten in place; nothing at all when stderr is not a TTY (piped
 * into a file or another program), so scripts read only the results and the error lines.
 */
import type { SymbolResult } from './collector.ts';

/** Where the line goes: process.stderr, or a fake in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export class ProgressLine {
  private done = 0;
  private ok = 0;
  private bars = 0;
  private shown = false;

  constructor(
    private readonly out: ProgressStream,
    private readonly total: number,
  ) {}

  /** Whether anything is drawn at all (only on a TTY). */
  get enabled(): boolean {
    return this.out.isTTY === true;
  }

  /** One symbol finished (any status). */
  add(r: SymbolResult): void {
    this.done++;
    if (r.status === 'ok') this.ok++;
    this.bars += r.barsAdded ?? 0;
    if (!this.enabled) return;
    const failed = this.done - this.ok;
    const text = `collect: ${this.done}/${this.total} symbols, ${this.ok} collected${failed ? `, ${failed} not` : ''}, ${this.bars} new bars (last ${r.symbol} ${r.status})`;
    const width = Math.max(20, (this.out.columns ?? 80) - 1);
    this.out.write(`\r\x1b[2K${text.slice(0, width)}`);
    this.shown = true;
  }

  /** Clear the line before the results are printed. */
  end(): void {
    if (this.shown) this.out.write('\r\x1b[2K');
    this.shown = false;
  }
}
