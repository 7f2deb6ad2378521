/**
 * The incident's "UI plus workers" front as one small HTTP service: every page and task calls it
 * instead of opening its own gateway connection, so the whole host uses one leased client id, one
 * qualification queue and one cache. Answers are typed: "ambiguous" and "unknown" are results
 * (200), bad input is 400 naming the field, gateway trouble is 502 (unreachable, lost) or 504
 * (no answer in time) — never a bare "timeout".
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../../common/clock.ts';
import { exposureWarning, installHttpGuard, isLoopbackHost, requireTokenBeyondLoopback } from '../../common/http-guard.ts';
import { silentLog, type Log } from '../../common/log.ts';
import { createCollector, errorOf, type Collector, type CollectOutcome } from '../collector.ts';
import { CollectorError, describeError } from '../errors.ts';
import type { LivePolicy } from '../live-guard.ts';
import type { StrategyName } from '../strategies/index.ts';
import type { WatchdogOptions } from '../watchdog.ts';
import { InvalidInput, parseSymbolItems, symbolFromObject } from '../symbols.ts';
import { collectBodySchema, MAX_SYMBOLS, parseBody, qualifyBodySchema } from './bodies.ts';
import { ServeMetrics } from './metrics.ts';

export interface ServeOptions {
  /** HTTP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** Interface to bind; loopback unless set. Anything else needs `token`. */
  host?: string;
  /**
   * Bearer token every request must carry (`Authorization: Bearer …`); required beyond loopback
   * (CLI `--token`, env `IBKR_HARNESS_SERVE_TOKEN`).
   */
  token?: string | undefined;
  gatewayHost?: string;
  gatewayPort?: number;
  strategy?: StrategyName;
  dbPath?: string;
  dataDir?: string;
  /** `files` (default) or `redis://host:port[/db][?prefix=…&login=…]`: see CollectorOptions.coordination. */
  coordination?: string;
  role?: 'ui' | 'worker';
  clock?: Clock;
  seed?: number;
  /** Default per-request deadline, model ms (a body may ask for less or more, up to 10 min). */
  deadlineMs?: number;
  /** What the live guard allows (collector/live-guard.ts); default paper accounts only. */
  live?: LivePolicy;
  log?: Log;
  /** Serve this collector instead of creating one; it is then left open on close(). */
  collector?: Collector;
  /** Node/process metrics (event-loop lag, heap) on /metrics. Default true. */
  defaultMetrics?: boolean;
  /** Liveness probing (collector/watchdog.ts); default on, `false` turns it off. */
  watchdog?: WatchdogOptions | false;
  /** A request pending this long (model ms) makes /health `degraded`. Default 30 s. */
  stallAfterMs?: number;
  /** Connect to the gateway at start, so /health tells the truth before the first request. Default true. */
  connectAtStart?: boolean;
}

export interface ServeHandle {
  port: number;
  host: string;
  url: string;
  collector: Collector;
  close(): Promise<void>;
}

/** Symbols of one /collect in progress at once. */
const COLLECT_CONCURRENCY = 16;
/** How long /ready waits for the gateway's answer (model ms). */
const READY_TIMEOUT_MS = 5_000;

const GATEWAY_TIMEOUT = new Set(['REQUEST_TIMEOUT', 'DEADLINE_EXCEEDED', 'HANDSHAKE_TIMEOUT']);
const GATEWAY_TROUBLE = new Set([
  'GATEWAY_UNREACHABLE',
  'GATEWAY_CLOSED_CONNECTION',
  'TOO_MANY_CLIENTS',
  'LOGIN_REFUSED',
  'NOT_A_GATEWAY',
  'TIME_SCALE_MISMATCH',
  'CONNECTION_LOST',
  'CONNECTION_DROPPED',
  'NOT_CONNECTED',
  'CLIENT_ID_IN_USE',
  'CLIENT_IDS_EXHAUSTED',
  'LIVE_GATEWAY_REFUSED',
]);

/** HTTP status for a failure: the client's fault (4xx), the gateway's (502/504), or ours (500). */
export function httpStatusOf(err: unknown): number {
  if (err instanceof InvalidInput) return 400;
  const code = err instanceof CollectorError ? err.code : '';
  if (GATEWAY_TIMEOUT.has(code)) return 504;
  if (GATEWAY_TROUBLE.has(code)) return 502;
  if (code === 'PACING_VIOLATION' || code === 'ABORTED' || code === 'COORDINATION_UNAVAILABLE') return 503;
  const status = (err as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

/** How to give `serve` a token, for messages. */
export const SERVE_TOKEN_HOW = '--token <token> or IBKR_HARNESS_SERVE_TOKEN';

/**
 * Start the service. Throws a UsageError (before connecting to anything) when asked to listen
 * beyond loopback without a token: common/http-guard.ts.
 */
export async function startServe(opts: ServeOptions = {}): Promise<ServeHandle> {
  const log = opts.log ?? silentLog;
  const bindHost = opts.host ?? '127.0.0.1';
  requireTokenBeyondLoopback('serve', bindHost, opts.token, SERVE_TOKEN_HOW);
  const owned = !opts.collector;
  const collector =
    opts.collector ??
    (await createCollector({
      host: opts.gatewayHost ?? '127.0.0.1',
      port: opts.gatewayPort ?? 4002,
      strategy: opts.strategy ?? 'pooled',
      process: 'serve',
      role: opts.role ?? 'worker',
      log,
      ...(opts.dbPath !== undefined ? { dbPath: opts.dbPath } : {}),
      ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}),
      ...(opts.coordination !== undefined ? { coordination: opts.coordination } : {}),
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.deadlineMs !== undefined ? { deadlineMs: opts.deadlineMs } : {}),
      ...(opts.live ? { live: opts.live } : {}),
      ...(opts.watchdog !== undefined ? { watchdog: opts.watchdog } : {}),
      ...(opts.stallAfterMs !== undefined ? { stallAfterMs: opts.stallAfterMs } : {}),
    }));
  const metrics = new ServeMetrics(collector, { defaultMetrics: opts.defaultMetrics ?? true });
  const app = buildApp(collector, metrics, log, opts.token);
  if (!isLoopbackHost(bindHost)) log.warn({ host: bindHost }, exposureWarning('serve', bindHost, 'every request needs its bearer token'));
  try {
    await app.listen({ port: opts.port ?? 8080, host: opts.host ?? '127.0.0.1' });
  } catch (err) {
    metrics.dispose();
    if (owned) await collector.close();
    throw err;
  }
  // The outcome shows in /health and /ready (and the session keeps trying); nobody awaits it here.
  if (opts.connectAtStart ?? true) collector.connect().catch((err: unknown) => log.warn({ err: describeError(err) }, 'gateway not reached at start'));
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 8080);
  const host = opts.host ?? '127.0.0.1';
  let closing: Promise<void> | undefined;
  return {
    port,
    host,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    collector,
    close: () =>
      (closing ??= (async () => {
        // Stop accepting first; closing the collector then aborts what is in flight, so pending
        // requests answer 503 at once instead of holding shutdown for their whole deadline.
        const stopped = app.close();
        if (owned) await collector.close();
        await stopped;
        metrics.dispose();
      })()),
  };
}

function buildApp(collector: Collector, metrics: ServeMetrics, log: Log, token: string | undefined): FastifyInstance {
  const app = Fastify({ logger: false, forceCloseConnections: 'idle' });
  installHttpGuard(app, { token });

  app.setErrorHandler((err, _req, reply) => {
    const status = httpStatusOf(err);
    if (status >= 500) log.error({ err: describeError(err) }, 'request failed');
    const code = codeOf(err);
    metrics.errors.inc({ code });
    void reply.code(status).send({ error: err instanceof Error ? err.message : String(err), code });
  });
  app.setNotFoundHandler((req, reply) => void reply.code(404).send({ error: `no route ${req.method} ${req.url}` }));

  app.post('/qualify', async (req, reply) => {
    const started = performance.now();
    let result = 'error';
    const abandoned = abandonedBy(reply);
    try {
      const { deadlineMs, ...rest } = parseBody(qualifyBodySchema, req.body);
      const spec = symbolFromObject(rest);
      const r = await collector.qualify(spec, { ...(deadlineMs === undefined ? {} : { deadlineMs }), signal: abandoned });
      result = r.kind;
      metrics.recordQualify(result, (performance.now() - started) / 1000);
      return { symbol: spec.label, ...r };
    } catch (err) {
      if (result === 'error') metrics.recordQualify(err instanceof InvalidInput ? 'invalid' : 'error', (performance.now() - started) / 1000);
      return sendError(reply, err, metrics);
    }
  });

  app.post('/collect', async (req, reply) => {
    let out: CollectOutcome;
    const abandoned = abandonedBy(reply);
    try {
      const { symbols, deadlineMs, whatToShow, useRTH, duration, barSize } = parseBody(collectBodySchema, req.body);
      const specs = parseSymbolItems(symbols, 'symbols');
      if (specs.length > MAX_SYMBOLS)
        throw new InvalidInput('symbols', `at most ${MAX_SYMBOLS} symbols per request, got ${specs.length}; send several requests`);
      out = await collector.collect(
        {
          symbols: specs,
          duration,
          barSize,
          // The gateway serializes qualification and paces history anyway: a few symbols in
          // progress at once keep it busy without holding thousands of pending calls in memory.
          concurrency: COLLECT_CONCURRENCY,
          ...(whatToShow !== undefined ? { whatToShow } : {}),
          ...(useRTH !== undefined ? { useRTH } : {}),
          ...(deadlineMs !== undefined ? { deadlineMs } : {}),
        },
        { signal: abandoned },
      );
    } catch (err) {
      metrics.collectRequests.inc({ status: err instanceof InvalidInput ? 'invalid' : 'error' });
      return sendError(reply, err, metrics);
    }
    metrics.recordCollect(out);
    // Nothing collected and every failure the gateway's: the request as a whole failed upstream.
    const failures = out.results.filter((r) => r.status === 'failed');
    const upstream = out.results.every((r) => r.status === 'failed')
      ? failures.map((r) => statusOfCode(r.error!.code)).find((s) => s === 502 || s === 504)
      : undefined;
    if (upstream) return reply.code(upstream).send({ error: failures[0]!.error!.message, code: failures[0]!.error!.code, ...out });
    return out;
  });

  app.get('/health', async (_req, reply) => {
    const h = collector.health();
    // 200 only when connected and answering in time: connecting, IB's link lost (1100), requests
    // stalled, or no gateway at all are each a 503 that says which; so is a coordination store
    // that cannot be reached (no client id, no pacing budget can be had without it).
    const ok = h.state === 'connected' && h.coordination?.state !== 'unavailable';
    return reply.code(ok ? 200 : 503).send({ ok, ...h });
  });
  app.get('/ready', async (_req, reply) => {
    // Readiness reaches the gateway: one round trip on the connection requests would use.
    try {
      const r = await collector.ready({ timeoutMs: READY_TIMEOUT_MS, signal: abandonedBy(reply) });
      const answered = { address: collector.address, clientId: r.clientId, roundTripMs: r.roundTripMs, gatewayTime: new Date(r.gatewayTime).toISOString() };
      // The gateway answers, but has lost IB's servers (1100): data requests would go unanswered
      // until 1101/1102, so traffic should go elsewhere (docs/wire-facts/gateway.md#connectivity-loss-and-restore-1100-1101-1102).
      if (collector.health().connectivity === 'lost') {
        return reply.code(503).send({
          ready: false,
          ...answered,
          code: 'CONNECTIVITY_LOST',
          error: 'the gateway answers but has lost its connection to IB (error 1100); data requests wait until it reports 1101 or 1102',
        });
      }
      return { ready: true, ...answered };
    } catch (err) {
      return reply.code(503).send({ ready: false, address: collector.address, error: errorOf(err).message, ...errorOf(err) });
    }
  });

  app.get('/metrics', async (_req, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });

  return app;
}

function sendError(reply: FastifyReply, err: unknown, metrics: ServeMetrics): FastifyReply {
  const code = codeOf(err);
  metrics.errors.inc({ code });
  const hint = errorOf(err).hint;
  return reply.code(httpStatusOf(err)).send({ error: errorOf(err).message, code, ...(hint ? { hint } : {}) });
}

/**
 * A signal that aborts when the client goes away before its answer was sent (it disconnected, or
 * gave up): the collector then stops the work it was doing for it.
 */
function abandonedBy(reply: FastifyReply): AbortSignal {
  const ctl = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) ctl.abort(new Error('the HTTP client went away'));
  });
  return ctl.signal;
}

/** Our codes, or Fastify's own (FST_ERR_CTP_INVALID_JSON_BODY, ...) for errors raised before a handler. */
function codeOf(err: unknown): string {
  if (err instanceof CollectorError) return err.code;
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'ERROR';
}

function statusOfCode(code: string): number {
  return GATEWAY_TIMEOUT.has(code) ? 504 : GATEWAY_TROUBLE.has(code) ? 502 : 200;
}
