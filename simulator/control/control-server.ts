/**
 * The simulator's control plane: a small JSON API in the spirit of Toxiproxy's, to inspect the
 * gateway (health, sessions, journal, metrics) and to inject faults — the same JSON fault specs
 * scenarios use (simulator/faults/) — while real clients are connected over TCP. It serves the
 * control facade (`GatewayControl`), never the gateway model itself.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from '../model/ports.ts';
import { silentLogger } from '../model/ports.ts';
import type { ConnectivityState, RemovedCount, RestartResult, SessionsAffected } from './api-types.ts';
import type { LocalControl } from './local-control.ts';
import { createGatewayMetrics } from './metrics.ts';
import {
  describeSelector,
  HttpError,
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
  /** Interface to bind; loopback unless set, because the API has no authentication. */
  host?: string;
  port: number;
  logger?: Logger;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export async function startControlServer(opts: ControlServerOptions): Promise<ControlServer> {
  const { control } = opts;
  const host = opts.host || '127.0.0.1';
  const logger = opts.logger ?? silentLogger;
  if (!LOOPBACK.has(host)) logger.warn({ host }, 'control plane listening beyond loopback: anyone who can reach it can drop and stall clients');

  const metrics = createGatewayMetrics(() => control.stats());
  const unsubscribe = control.observe(metrics.observer);

  const app = Fastify({ logger: false });
  installErrorHandling(app, logger);

  app.get('/health', async () => control.health());
  app.get('/sessions', async () => control.sessions());
  app.get('/metrics', async (_req, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  app.get('/secdef', async () => control.secdefServed());
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
  app.get('/journal', async (req) => control.journal(parseJournalQuery(req.query)));
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
    return { error: `no route ${req.method} ${req.url.split('?')[0]}; see GET /health, /sessions, /journal, /profile, /metrics, /secdef, /verdict, /faults` };
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
