/**
 * The simulator's control plane: a small JSON API in the spirit of Toxiproxy's, to inspect the
 * gateway (health, sessions, journal, metrics) and to inject faults — the same JSON fault specs
 * scenarios use (simulator/faults/) — while real clients are connected over TCP. It serves the
 * control facade (`GatewayControl`), never the gateway model itself.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { exposureWarning, installHttpGuard, isLoopbackHost, requireTokenBeyondLoopback } from '../../common/http-guard.ts';
import type { Logger } from '../model/ports.ts';
import { silentLogger } from '../model/ports.ts';
import { JOURNAL_NEXT_HEADER, type ConnectivityState, type RemovedCount, type RestartResult, type SessionsAffected } from './api-types.ts';
import type { LocalControl } from './local-control.ts';
import { createGatewayMetrics } from './metrics.ts';
import {
  describeSelector,
  HttpError,
  JOURNAL_PAGE,
  notFound,
  parseConnectivity,
  parseEmpty,
  parseFault,
  parseFaultId,
  parseFaultQuery,
  parseJournalQuery,
  parseJournalSettings,
  parseJsonBody,
  parseProfileOverrides,
  parseReset,
  parseSelector,
  parseVerdictQuery,
} from './validation.ts';
import { verdictMarkdown } from '../verdict/markdown.ts';

export interface ControlServer {
  port: number;
  app: FastifyInstance;
  close(): Promise<void>;
}

export interface ControlServerOptions {
  control: LocalControl;
  /** Interface to bind; loopback unless set. Anything else needs `token`. */
  host?: string;
  port: number;
  /**
   * Bearer token every request must carry (`Authorization: Bearer …`); required beyond loopback
   * (CLI `--control-token`, env `IBKR_HARNESS_CONTROL_TOKEN`).
   */
  token?: string | undefined;
  logger?: Logger;
}

/** How to give the control plane a token, for messages. */
export const CONTROL_TOKEN_HOW = '--control-token <token> or IBKR_HARNESS_CONTROL_TOKEN';

/**
 * Start the control plane. Every request is checked first (common/http-guard.ts): `Host` a
 * loopback name or the configured host, `Origin` absent or this server's own, and the bearer
 * token when there is one; bodies are JSON only. Throws a UsageError when asked to listen beyond
 * loopback without a token.
 */
export async function startControlServer(opts: ControlServerOptions): Promise<ControlServer> {
  const { control } = opts;
  const host = opts.host || '127.0.0.1';
  const logger = opts.logger ?? silentLogger;
  requireTokenBeyondLoopback('the control plane', host, opts.token, CONTROL_TOKEN_HOW);
  if (!isLoopbackHost(host)) logger.warn({ host }, exposureWarning('the control plane', host, 'every request needs its bearer token'));

  const metrics = createGatewayMetrics(() => control.stats());
  const unsubscribe = control.observe(metrics.observer);

  const app = Fastify({ logger: false });
  installHttpGuard(app, { token: opts.token, sameOrigin: { boundHost: host } });
  installErrorHandling(app, logger);

  app.get('/health', async () => control.health());
  app.get('/sessions', async () => control.sessions());
  app.get('/metrics', async (_req, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  app.get('/secdef', async () => control.secdefServed());
  app.get('/modeled', async () => control.modeled());
  app.get('/lateness', async () => control.lateness());
  app.get('/verdict', async (req, reply) => {
    const { format, ...query } = parseVerdictQuery(req.query);
    if (!control.analyser)
      throw notFound('this simulator does not analyse its journal (it was built without verdicts; `ibkr-harness sim` with a control port always does)');
    const verdict = control.verdict(query);
    if (format === 'json') return verdict;
    reply.type('text/markdown; charset=utf-8');
    return verdictMarkdown(verdict);
  });

  // ---- journal ----
  // One bounded page per call (validation.ts JOURNAL_PAGE): the next starts after the last seq.
  app.get('/journal', async (req, reply) => {
    const query = parseJournalQuery(req.query);
    const page = control.journalPage(query, JOURNAL_PAGE);
    if (page.nextSinceSeq !== null) {
      const next = new URLSearchParams(req.query as Record<string, string>);
      next.set('sinceSeq', String(page.nextSinceSeq));
      reply.header(JOURNAL_NEXT_HEADER, String(page.nextSinceSeq));
      reply.header('link', `</journal?${next.toString()}>; rel="next"`);
    }
    return page.entries;
  });
  app.patch('/journal', async (req) => control.setJournal(parseJournalSettings(req.body)));
  app.delete('/journal', async () => control.clearJournal());

  // ---- profile ----
  app.get('/profile', async () => control.profile());
  app.patch('/profile', async (req) => control.patchProfile(parseProfileOverrides(req.body)));
  app.post('/reset', async (req) => control.reset(parseReset(req.body)));

  // ---- faults: any spec ----
  app.post('/faults', async (req, reply) => {
    const spec = parseFault(req.body);
    const { at } = parseFaultQuery(req.query);
    reply.code(201);
    return at === undefined ? control.apply(spec) : control.applyAt(at, spec);
  });
  app.get('/faults', async () => control.list());
  app.delete('/faults', async (): Promise<RemovedCount> => ({ removed: control.clear() }));
  app.delete<{ Params: { id: string } }>('/faults/:id', async (req): Promise<RemovedCount> => {
    const id = parseFaultId(req.params.id);
    if (!control.remove(id)) throw notFound(`no fault with id ${id} (see GET /faults)`);
    return { removed: 1 };
  });

  // ---- faults: shorthands that build a spec ----
  const atOnce = (kind: 'drop' | 'stall', input: unknown): SessionsAffected => {
    const sel = parseSelector(input);
    const result = control.apply({ kind, match: sel });
    if (result.sessions.length === 0) {
      control.remove(result.id);
      throw notFound(`no open session with ${describeSelector(sel)} (see GET /sessions)`);
    }
    return { sessions: kind === 'stall' ? result.sessions.map((i) => ({ ...i, stalled: true })) : result.sessions };
  };
  app.post('/faults/drop', async (req) => atOnce('drop', req.body));
  app.post('/faults/stall', async (req) => atOnce('stall', req.body));
  app.post('/faults/connectivity', async (req): Promise<ConnectivityState> => {
    const want = parseConnectivity(req.body);
    const wasLost = control.stats().connectivityLost;
    control.apply(want.state === 'lost' ? { kind: 'connectivity', state: 'lost' } : { kind: 'connectivity', state: 'restored', dataLost: want.dataLost });
    const lost = control.stats().connectivityLost;
    return { connectivity: lost ? 'lost' : 'ok', changed: wasLost !== lost };
  });
  app.post('/faults/restart', async (req): Promise<RestartResult> => {
    parseEmpty(req.body, 'restart body');
    const closedSessions = control.stats().sessions;
    control.apply({ kind: 'restart' });
    return { closedSessions };
  });

  try {
    await app.listen({ host, port: opts.port });
  } catch (err) {
    unsubscribe();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  logger.info({ host, port }, 'control plane listening');

  let closing: Promise<void> | undefined;
  return {
    port,
    app,
    close() {
      unsubscribe();
      closing ??= app.close();
      return closing;
    },
  };
}

/** Every failure leaves as `{ error }` JSON: ours with their status, fastify's 4xx reworded, the rest 500. */
function installErrorHandling(app: FastifyInstance, logger: Logger): void {
  app.setNotFoundHandler(async (req, reply) => {
    reply.code(404);
    return {
      error: `no route ${req.method} ${req.url.split('?')[0]}; see GET /health, /sessions, /journal, /profile, /metrics, /secdef, /modeled, /lateness, /verdict, /faults`,
    };
  });
  // Replaces fastify's parsers: theirs drop the parse error's detail, and accept text/plain bodies.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.setErrorHandler(async (err: FastifyError, req, reply) => {
    if (err instanceof HttpError) {
      reply.code(err.statusCode);
      return { error: err.message };
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      reply.code(status);
      const message =
        err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? `content type "${req.headers['content-type']}" is not supported: send JSON with content-type application/json`
          : err.message;
      return { error: message };
    }
    logger.error({ method: req.method, url: req.url, err: err.message }, 'control request failed');
    reply.code(500);
    return { error: `internal error handling ${req.method} ${req.url}: ${err.message}` };
  });
  app.addHook('onResponse', async (req, reply) => {
    if (req.method !== 'GET') logger.info({ method: req.method, url: req.url, status: reply.statusCode }, 'control request');
  });
}
