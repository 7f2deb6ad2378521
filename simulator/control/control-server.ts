/**
 * The simulator's control plane: a small JSON API in the spirit of Toxiproxy's, to inspect the
 * gateway (health, sessions, journal, metrics) and to misbehave on demand (drops, zombies,
 * connectivity loss, restarts, fault rules) while real clients are connected over TCP.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { GatewayModel } from '../model/gateway.ts';
import type { GatewayObserver, Logger } from '../model/ports.ts';
import { silentLogger } from '../model/ports.ts';
import type { TcpGatewayServer } from '../server/tcp-server.ts';
import type { ConnectivityState, HealthReport, JournalSettings, RemovedCount, RestartResult, SessionsAffected } from './api-types.ts';
import { combineObservers, createGatewayMetrics } from './metrics.ts';
import {
  badRequest,
  describeSelector,
  HttpError,
  notFound,
  objectBody,
  parseConnectivity,
  parseJournalQuery,
  parseJournalSettings,
  parseJsonBody,
  parseProfileOverrides,
  parseRule,
  parseRuleId,
  parseSelector,
} from './validation.ts';

export interface ControlServer {
  port: number;
  app: FastifyInstance;
  close(): Promise<void>;
}

export interface ControlServerOptions {
  gateway: GatewayModel;
  tcp: TcpGatewayServer;
  /** Interface to bind; loopback unless set, because the API has no authentication. */
  host?: string;
  port: number;
  timeScale: number;
  logger?: Logger;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export async function startControlServer(opts: ControlServerOptions): Promise<ControlServer> {
  const { gateway, tcp, timeScale } = opts;
  const host = opts.host || '127.0.0.1';
  const logger = opts.logger ?? silentLogger;
  if (!LOOPBACK.has(host)) logger.warn({ host }, 'control plane listening beyond loopback: anyone who can reach it can drop and stall clients');

  const metrics = createGatewayMetrics(gateway);
  const previousObserver = gateway.observer;
  const installed: GatewayObserver = Object.keys(previousObserver).length > 0 ? combineObservers(previousObserver, metrics.observer) : metrics.observer;
  gateway.observer = installed;

  const app = Fastify({ logger: false });
  installErrorHandling(app, logger);

  app.get(
    '/health',
    async (): Promise<HealthReport> => ({
      status: 'ok',
      profile: gateway.profile.name,
      seed: gateway.seed,
      timeScale,
      sessions: gateway.sessionCount,
      apiClients: gateway.clientIds.liveCount,
      connectivity: gateway.isConnectivityLost ? 'lost' : 'ok',
      secdefQueueDepth: gateway.secdef.depth,
      faultRules: gateway.faults.list().length,
      apiPort: tcp.port,
      modelTime: new Date(gateway.clock.now()).toISOString(),
    }),
  );

  app.get('/sessions', async () => gateway.listSessions());

  app.get('/metrics', async (_req, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  // ---- journal ----
  const journalSettings = (): JournalSettings => ({ enabled: gateway.journal.enabled, capacity: gateway.journal.capacity });
  app.get('/journal', async (req) => gateway.journal.query(parseJournalQuery(req.query)));
  app.patch('/journal', async (req) => {
    const s = parseJournalSettings(req.body);
    if (s.enabled !== undefined) gateway.journal.enabled = s.enabled;
    if (s.capacity !== undefined && s.capacity !== gateway.journal.capacity) gateway.journal.resize(s.capacity);
    return journalSettings();
  });
  app.delete('/journal', async () => {
    gateway.journal.clear();
    return journalSettings();
  });

  // ---- profile ----
  app.get('/profile', async () => gateway.profile);
  app.patch('/profile', async (req) => {
    const overrides = parseProfileOverrides(req.body, gateway.profile);
    try {
      return gateway.updateProfile(overrides);
    } catch (err) {
      throw badRequest((err as Error).message);
    }
  });

  app.post('/reset', async (req) => {
    objectBody(req.body, 'reset', []);
    gateway.reset();
    return { status: 'reset' as const };
  });

  // ---- faults ----
  const selected = (body: unknown) => {
    const sel = parseSelector(body);
    const sessions = gateway.findSessions(sel);
    if (sessions.length === 0) throw notFound(`no open session with ${describeSelector(sel)} (see GET /sessions)`);
    const infos = gateway.listSessions().filter((i) => sessions.some((s) => s.id === i.sessionId));
    return { sessions, infos };
  };
  app.post('/faults/drop', async (req): Promise<SessionsAffected> => {
    const { sessions, infos } = selected(req.body);
    for (const s of sessions) gateway.dropSession(s);
    return { sessions: infos };
  });
  app.post('/faults/stall', async (req): Promise<SessionsAffected> => {
    const { sessions, infos } = selected(req.body);
    for (const s of sessions) gateway.stallSession(s);
    return { sessions: infos.map((i) => ({ ...i, stalled: true })) };
  });
  app.post('/faults/connectivity', async (req): Promise<ConnectivityState> => {
    const want = parseConnectivity(req.body);
    const wasLost = gateway.isConnectivityLost;
    if (want.state === 'lost') gateway.loseConnectivity();
    else gateway.restoreConnectivity(want.dataLost);
    return { connectivity: gateway.isConnectivityLost ? 'lost' : 'ok', changed: wasLost !== gateway.isConnectivityLost };
  });
  app.post('/faults/restart', async (req): Promise<RestartResult> => {
    objectBody(req.body, 'restart', []);
    const closedSessions = gateway.sessionCount;
    gateway.restart();
    return { closedSessions };
  });
  app.get('/faults/rules', async () => gateway.faults.list());
  app.post('/faults/rules', async (req, reply) => {
    const rule = gateway.faults.add(parseRule(req.body, timeScale));
    logger.info({ rule }, 'fault rule added');
    reply.code(201);
    return rule;
  });
  app.delete('/faults/rules', async (): Promise<RemovedCount> => {
    const removed = gateway.faults.list().length;
    gateway.faults.clear();
    return { removed };
  });
  app.delete<{ Params: { id: string } }>('/faults/rules/:id', async (req): Promise<RemovedCount> => {
    const id = parseRuleId(req.params.id);
    if (!gateway.faults.remove(id)) throw notFound(`no fault rule with id ${id} (see GET /faults/rules)`);
    return { removed: 1 };
  });

  try {
    await app.listen({ host, port: opts.port });
  } catch (err) {
    gateway.observer = previousObserver;
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
      if (gateway.observer === installed) gateway.observer = previousObserver;
      closing ??= app.close();
      return closing;
    },
  };
}

/** Every failure leaves as `{ error }` JSON: ours with their status, fastify's 4xx reworded, the rest 500. */
function installErrorHandling(app: FastifyInstance, logger: Logger): void {
  app.setNotFoundHandler(async (req, reply) => {
    reply.code(404);
    return { error: `no route ${req.method} ${req.url.split('?')[0]}; see GET /health, /sessions, /journal, /profile, /metrics, /faults/rules` };
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
