/**
 * `ibkr-harness collect` (one run over a watchlist, a table out, an exit code for scripts and
 * cron) and `ibkr-harness serve` (the HTTP front). Exit codes (common/exit-codes.ts): 0 every
 * symbol collected, 1 some symbol not (unknown, ambiguous, failed), 2 bad input, an unusable
 * database (both checked before anything is written or any connection is made) or a gateway the
 * live guard refused (collector/live-guard.ts), 3 the gateway was never reached.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { RealClock, ScaledClock, type Clock } from '../common/clock.ts';
import type { Log } from '../common/log.ts';
import { createLogger, type LogFormat, type LogLevel } from '../common/logger.ts';
import { intArg, logFormatOption, positiveNumberArg } from '../common/cli-args.ts';
import { createCollector, errorOf, type Collector, type CollectOutcome, type SymbolResult } from './collector.ts';
import { EXIT, exitCodeOf } from '../common/exit-codes.ts';
import { parseCoordination } from './coordination/spec.ts';
import { CollectorError } from './errors.ts';
import { LIVE_FLAG, LIVE_FLAG_HELP } from './live-guard.ts';
import type { startServe } from './serve/server.ts';
import { STRATEGY_NAMES, type StrategyName } from './strategies/index.ts';
import { DEFAULT_WATCHLIST, InvalidInput, parseSymbolList, validateHistorySpec } from './symbols.ts';
import { DEFAULT_WATCHDOG, defaultWatchdog, MIN_DEFAULT_PROBE_WALL_MS, type WatchdogOptions } from './watchdog.ts';
import { ProgressLine } from './progress.ts';

const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'];

/**
 * Model time for `--time-scale`. Scaled, it is derived from the wall clock and one anchor every
 * process shares (UTC midnight): processes sharing a lease directory must agree on lease expiry
 * times, which they would not if each started its model clock at its own start.
 */
export function clockForScale(scale: number): Clock {
  if (scale === 1) return new RealClock();
  const wall = Date.now();
  const anchor = wall - (wall % 86_400_000);
  return new ScaledClock(scale, anchor + (wall - anchor) / scale);
}

function gatewayOptions(cmd: Command, hostFlag: string, portFlag: string): Command {
  return cmd
    .addOption(new Option(`${hostFlag} <host>`, 'gateway host').env('IBKR_HOST').default('127.0.0.1'))
    .addOption(
      new Option(`${portFlag} <port>`, 'gateway API port (4002 paper gateway, 7497 paper TWS)')
        .env('IBKR_PORT')
        .argParser(intArg(portFlag, 1, 65535))
        .default(4002),
    )
    .addOption(new Option('--strategy <name>', 'connection strategy').choices(STRATEGY_NAMES).default('pooled'))
    .option('--db <file>', 'SQLite database (default <data-dir>/ibkr-harness.db)')
    .option('--data-dir <dir>', 'data directory; its leases/ folder must be shared by every collector process on this host', './data')
    .option(
      '--coordination <store>',
      'what the processes of one gateway login share (client ids, pacing budget, qualifications): files (<data-dir>/leases, one host) or redis://host:port[/db][?prefix=…&login=…] (many hosts)',
      coordinationArg,
      'files',
    )
    .addOption(
      new Option('--client-role <role>', 'pooled ids: ui = the fixed id 1, worker = a leased id from 4-999').choices(['ui', 'worker']).default('worker'),
    )
    .option('--time-scale <x>', "real seconds per model second; use the simulator's --time-scale", positiveNumberArg('--time-scale'), 1)
    .option('--deadline <ms>', 'give up on one symbol (or request) after this many model ms', intArg('--deadline', 1), 60_000)
    .option('--seed <n>', 'seed for client-id order and jitter (default random)', intArg('--seed', 0, 2 ** 31 - 1))
    .option(
      '--watchdog-interval <ms>',
      `model ms between liveness probes (REQ_CURRENT_TIME) of the gateway connection; 0 turns the watchdog off (default ${DEFAULT_WATCHDOG.intervalMs}, and never less than ${MIN_DEFAULT_PROBE_WALL_MS / 1000} wall s)`,
      intArg('--watchdog-interval', 0),
    )
    .option(
      '--watchdog-timeout <ms>',
      `model ms a probe may go unanswered before the connection is dropped as a zombie and replaced; 0 turns the watchdog off (default ${DEFAULT_WATCHDOG.timeoutMs}, and never less than ${MIN_DEFAULT_PROBE_WALL_MS / 1000} wall s)`,
      intArg('--watchdog-timeout', 0),
    )
    .option(LIVE_FLAG, LIVE_FLAG_HELP);
}

/** `--coordination`: checked before anything starts, so a typo is a usage error (exit 2). */
function coordinationArg(value: string): string {
  try {
    parseCoordination(value);
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
  }
  return value;
}

/**
 * The watchdog the flags ask for: none given → the library's default (collector/watchdog.ts
 * defaultWatchdog, at least 5 wall s at any time scale); either 0 → off; otherwise the given
 * values, the one not given taken from the default.
 */
export function watchdogFrom(intervalMs: number | undefined, timeoutMs: number | undefined, clock: Clock): { watchdog?: WatchdogOptions | false } {
  if (intervalMs === undefined && timeoutMs === undefined) return {};
  if (intervalMs === 0 || timeoutMs === 0) return { watchdog: false };
  const fallback = defaultWatchdog(clock);
  return { watchdog: { intervalMs: intervalMs ?? fallback.intervalMs, timeoutMs: timeoutMs ?? fallback.timeoutMs } };
}

/** The collector settings both commands take from the options `gatewayOptions` declares. */
function collectorOptionsFrom(
  o: {
    strategy: string;
    dataDir: string;
    coordination: string;
    db?: string;
    clientRole: 'ui' | 'worker';
    timeScale: number;
    deadline: number;
    seed?: number;
    watchdogInterval?: number;
    watchdogTimeout?: number;
    iKnowThisIsLive?: boolean;
  },
  log: Log,
  what: string,
) {
  const clock = clockForScale(o.timeScale);
  return {
    live: { allowLive: Boolean(o.iKnowThisIsLive), what },
    strategy: o.strategy as StrategyName,
    dataDir: o.dataDir,
    coordination: o.coordination,
    ...(o.db ? { dbPath: o.db } : {}),
    role: o.clientRole,
    clock,
    deadlineMs: o.deadline,
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...watchdogFrom(o.watchdogInterval, o.watchdogTimeout, clock),
    // At every --time-scale: a collector faster than its gateway (a simulator left at scale 1) is
    // refused before it sends anything, not after a burst of requests paced for the wrong clock.
    options: { checkTimeScale: true },
    log,
  };
}

/** The library's option names, as the flags that set them. */
const FLAG_OF: Readonly<Record<string, string>> = { dataDir: '--data-dir', dbPath: '--db', strategy: '--strategy', coordination: '--coordination' };

/** An InvalidInput naming a library option, renamed to the flag the user typed (`dbPath` → `--db`). */
function asFlagError(err: unknown): unknown {
  if (!(err instanceof InvalidInput)) return err;
  const flag = FLAG_OF[err.field];
  return flag ? new InvalidInput(flag, err.message.slice(err.field.length + 2)) : err;
}

export function collectCommand(): Command {
  const cmd = new Command('collect')
    .description('Qualify a watchlist and store its historical bars in SQLite, through one gateway connection strategy.')
    .option('--symbols <list>', 'SYMBOL[:CURRENCY][@PRIMARYEXCHANGE],... (a bare symbol listed in several places is reported ambiguous)', DEFAULT_WATCHLIST)
    .option('--duration <d>', 'how far back, "<n> S|D|W|M|Y"', '1 D')
    .option('--bar <size>', 'bar size, e.g. "1 min", "1 hour", "1 day"', '1 hour')
    .option('--what <type>', 'whatToShow: TRADES, MIDPOINT, BID, ASK, ...', 'TRADES')
    .option('--rth', 'regular trading hours only', true)
    .option('--no-rth', 'include bars outside regular trading hours');
  gatewayOptions(cmd, '--host', '--port')
    .option('--json', 'print the results as JSON instead of a table')
    .addOption(new Option('--log-level <level>', 'log level (logs go to stderr)').choices(LOG_LEVELS).default('warn'))
    .addOption(logFormatOption('human'))
    .action(async (o: CollectFlags) => {
      process.exitCode = await runCollect(o);
    });
  return cmd;
}

/** The parsed flags of `collect` (commander camel-cases them). */
interface CollectFlags {
  symbols: string;
  duration: string;
  bar: string;
  what: string;
  rth: boolean;
  host: string;
  port: number;
  strategy: StrategyName;
  db?: string;
  dataDir: string;
  coordination: string;
  clientRole: 'ui' | 'worker';
  timeScale: number;
  deadline: number;
  seed?: number;
  watchdogInterval?: number;
  watchdogTimeout?: number;
  json?: boolean;
  logLevel: LogLevel;
  logFormat: LogFormat;
  iKnowThisIsLive?: boolean;
}

async function runCollect(o: CollectFlags): Promise<number> {
  let symbols: ReturnType<typeof parseSymbolList>;
  let hist: ReturnType<typeof validateHistorySpec>;
  try {
    symbols = parseSymbolList(o.symbols, '--symbols');
    hist = validateHistorySpec(
      { duration: o.duration, barSize: o.bar, whatToShow: o.what },
      { duration: '--duration', barSize: '--bar', whatToShow: '--what' },
      symbols.map((s) => s.secType ?? 'STK'),
    );
  } catch (err) {
    return fail(err, EXIT.usage);
  }
  const log = createLogger('ibkr-collect', o.logLevel, o.logFormat);
  let collector: Collector;
  try {
    collector = await createCollector({ host: o.host, port: o.port, ...collectorOptionsFrom(o, log, 'collect') });
  } catch (err) {
    return fail(asFlagError(err), EXIT.usage);
  }
  const abort = new AbortController();
  const onSignal = () => (abort.signal.aborted ? process.exit(130) : abort.abort(new Error('interrupted')));
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  let out: CollectOutcome;
  let clientId: number | null = null;
  try {
    // Progress on a terminal only: piped, stderr carries nothing but the error lines.
    const progress = new ProgressLine(process.stderr, symbols.length);
    try {
      out = await collector.collect({ symbols, ...hist, useRTH: o.rth, deadlineMs: o.deadline }, { signal: abort.signal, onResult: (r) => progress.add(r) });
    } finally {
      progress.end();
    }
    clientId = collector.health().clientId;
  } catch (err) {
    await collector.close().catch(() => {});
    return fail(err, exitCodeOf(err));
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
  await collector.close();
  // The live guard refused the gateway before anything was asked: that one line is the answer.
  const refused = out.results.find((r) => r.error?.code === 'LIVE_GATEWAY_REFUSED');
  if (refused) {
    console.error(`error: ${refused.error!.message}`);
    return EXIT.usage;
  }
  if (o.json) {
    console.log(
      JSON.stringify(
        {
          runId: out.runId,
          status: out.status,
          db: collector.dbPath,
          strategy: collector.strategyName,
          address: collector.address,
          clientId,
          ms: Math.round(out.ms),
          results: out.results,
        },
        null,
        2,
      ),
    );
  } else {
    console.log(renderTable(out.results));
    for (const line of explainFailures(out.results)) console.log(line);
    for (const line of coverageLines(out.results)) console.log(line);
    const ok = out.results.filter((r) => r.status === 'ok');
    const added = ok.reduce((n, r) => n + (r.barsAdded ?? 0), 0);
    console.log(
      `run ${out.runId} ${out.status}: ${ok.length} of ${out.results.length} collected, ${added} new bars in ${collector.dbPath} (strategy ${collector.strategyName}, gateway ${collector.address}${clientId !== null ? `, client id ${clientId}` : ''}, ${formatMs(out.ms)})`,
    );
  }
  if (out.status === 'succeeded') return EXIT.ok;
  const bad = out.results.filter((r) => r.status !== 'ok');
  // Every symbol refused the same way at the connection: the exit code says which (common/exit-codes.ts):
  // 3 when no gateway could be reached, 2 when the address given is not one to collect from (a port
  // that answers in another protocol, a simulator at another time scale).
  const shared = bad.length === out.results.length && bad.every((r) => r.error) ? exitCodeOf(bad[0]!.error) : EXIT.failed;
  if (shared !== EXIT.failed && bad.every((r) => exitCodeOf(r.error) === shared)) {
    console.error(
      `error: ${shared === EXIT.unreachable ? 'no gateway connection' : 'not a gateway to collect from'}, nothing collected: ${bad[0]!.error!.message}`,
    );
    return shared;
  }
  console.error(`error: ${bad.length} of ${out.results.length} symbols not collected: ${bad.map((r) => `${r.symbol} ${r.status}`).join(', ')}`);
  return out.status === 'aborted' ? 130 : EXIT.failed;
}

function fail(err: unknown, code: number): number {
  const msg = err instanceof CollectorError ? err.message : errorOf(err).message;
  console.error(`error: ${msg}`);
  const hint = errorOf(err).hint;
  if (hint) console.error(`hint: ${hint}`);
  return code;
}

export function serveCommand(): Command {
  const cmd = new Command('serve')
    .description('HTTP front for UI pages and workers: POST /qualify, POST /collect, GET /health, GET /metrics, over one gateway session.')
    .option('--port <port>', 'HTTP port', intArg('--port', 0, 65535), 8080)
    .option('--host <host>', 'HTTP address to listen on (beyond loopback it needs --token)', '127.0.0.1')
    .addOption(
      new Option('--token <token>', 'bearer token every request must carry (Authorization: Bearer …); prefer the environment variable').env(
        'IBKR_HARNESS_SERVE_TOKEN',
      ),
    );
  gatewayOptions(cmd, '--gateway-host', '--gateway-port')
    .addOption(new Option('--log-level <level>', 'log level (logs go to stderr)').choices(LOG_LEVELS).default('info'))
    .addOption(logFormatOption('human'))
    .action(async (o) => {
      const log = createLogger('ibkr-serve', o.logLevel as LogLevel, o.logFormat as LogFormat);
      let server: Awaited<ReturnType<typeof startServe>>;
      try {
        // Loaded here, not at the top: `collect` need not pay for the HTTP server's start-up.
        const { startServe } = await import('./serve/server.ts');
        server = await startServe({
          port: o.port,
          host: o.host,
          token: o.token,
          gatewayHost: o.gatewayHost,
          gatewayPort: o.gatewayPort,
          ...collectorOptionsFrom(o, log, 'serve'),
        });
      } catch (err) {
        process.exitCode = fail(asFlagError(err), exitCodeOf(err));
        return;
      }
      console.log(
        `ibkr-harness serve listening on ${server.url} (gateway ${server.collector.address}, strategy ${server.collector.strategyName}, db ${server.collector.dbPath})`,
      );
      // The command ends (exit 0) once a signal has stopped the service cleanly; a second signal
      // while stopping exits at once.
      await new Promise<void>((stopped) => {
        let stopping = false;
        const stop = async (signal: string) => {
          if (stopping) process.exit(130);
          stopping = true;
          log.info({ signal }, 'stopping');
          await server.close();
          console.log('serve stopped');
          stopped();
        };
        process.on('SIGINT', () => void stop('SIGINT')).on('SIGTERM', () => void stop('SIGTERM'));
      });
    });
  return cmd;
}

const COLUMNS = ['SYMBOL', 'STATUS', 'CONID', 'EXCHANGE/PRIMARY', 'CURRENCY', 'STORED', 'ADDED', 'TIME'] as const;
const RIGHT = new Set(['CONID', 'STORED', 'ADDED', 'TIME']);

export function renderTable(results: readonly SymbolResult[]): string {
  const rows = results.map((r) => [
    r.symbol,
    r.status,
    r.conId !== undefined ? String(r.conId) : r.candidates ? r.candidates.map((c) => c.conId).join('|') : '-',
    r.exchange !== undefined
      ? `${r.exchange}/${r.primaryExchange || '-'}`
      : r.candidates
        ? r.candidates.map((c) => `${c.exchange}/${c.primaryExchange}`).join('|')
        : '-',
    r.currency ?? (r.candidates ? r.candidates.map((c) => c.currency).join('|') : '-'),
    r.barsStored !== undefined ? String(r.barsStored) : '-',
    r.barsAdded !== undefined ? String(r.barsAdded) : '-',
    formatMs(r.ms),
  ]);
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (RIGHT.has(COLUMNS[i]!) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** One line per distinct reason, so "gateway down" is said once, not once per symbol. */
export function explainFailures(results: readonly SymbolResult[]): string[] {
  const byReason = new Map<string, string[]>();
  for (const r of results) {
    if (!r.error) continue;
    const reason = `${r.status}: ${r.error.message}${r.error.hint ? ` (${r.error.hint})` : ''}`;
    byReason.set(reason, [...(byReason.get(reason) ?? []), r.symbol]);
  }
  return [...byReason].map(([reason, symbols]) => `${symbols.join(', ')}: ${reason}`);
}

/**
 * One line per collected symbol on how much of the window asked for the store now holds, its
 * gaps and the windows the gateway had no data for: a gap must never be silent.
 */
export function coverageLines(results: readonly SymbolResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    const c = r.coverage;
    if (!c) continue;
    const start = c.window.start ?? c.held[0]?.start ?? c.window.end;
    const length = (ws: ReadonlyArray<{ start: number; end: number }>) => ws.reduce((n, w) => n + (w.end - w.start), 0);
    const whole = c.window.end - start;
    const parts: string[] = [];
    if (c.held.length === 0) {
      // Nothing held: a zero-width window ("held all … no gaps") would read as success.
      parts.push(`${r.symbol}: nothing held${whole > 0 ? ` of the window (${formatWindow({ start, end: c.window.end })})` : ''}`);
      if (c.gaps.length > 0) parts.push(`${c.gaps.length} gap(s): ${c.gaps.map(formatWindow).join(', ')}`);
    } else {
      const held = whole > 0 ? `${Math.floor((100 * length(c.held)) / whole)}%` : 'all';
      parts.push(`${r.symbol}: held ${held} of the window (${formatWindow({ start, end: c.window.end })})`);
      parts.push(c.gaps.length === 0 ? 'no gaps' : `${c.gaps.length} gap(s): ${c.gaps.map(formatWindow).join(', ')}`);
    }
    if (c.noData.length > 0) {
      const reasons = [...new Set(c.noData.map((w) => w.reason))].join('; ');
      parts.push(`no data for ${c.noData.length} window(s) (${c.noData.filter((w) => w.final).length} final): ${reasons}`);
    }
    if (c.formingFrom !== null) parts.push(`a bar still forming since ${formatInstant(c.formingFrom)}`);
    lines.push(parts.join(', '));
  }
  return lines;
}

/** `2025-11-12 14:30 → 21:00 UTC`: market time, epoch seconds. */
function formatWindow(w: { start: number | null; end: number }): string {
  const start = w.start === null ? '…' : formatInstant(w.start);
  const end = formatInstant(w.end);
  return `${start} → ${start.slice(0, 10) === end.slice(0, 10) ? end.slice(11) : end} UTC`;
}

function formatInstant(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
