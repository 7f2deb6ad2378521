/**
 * Prometheus metrics of the serve front, on a registry of its own (several servers in one test
 * process must not share the global one). What they answer: is qualification slow or throttled
 * (latency by result), are we connected and with which id, is IB's link up (1100), how often did
 * we reconnect, drop a zombie or send a request again, and which errors happen — by code, since in
 * the incident every failure looked like "timeout".
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { COLLECTOR_STATES, type Collector, type CollectOutcome } from '../collector.ts';

export class ServeMetrics {
  readonly registry = new Registry();
  readonly qualifyRequests: Counter<'result'>;
  readonly qualifyDuration: Histogram<'result'>;
  readonly collectRequests: Counter<'status'>;
  readonly collectSymbols: Counter<'status'>;
  readonly barsStored: Counter;
  readonly errors: Counter<'code'>;
  private readonly unsubscribe: () => void;

  constructor(collector: Collector, opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.qualifyRequests = new Counter({
      name: 'collector_qualify_requests_total',
      help: 'POST /qualify requests by result (qualified, ambiguous, unknown, error)',
      labelNames: ['result'],
      registers,
    });
    this.qualifyDuration = new Histogram({
      name: 'collector_qualify_duration_seconds',
      help: 'POST /qualify latency in real seconds, by result',
      labelNames: ['result'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.collectRequests = new Counter({
      name: 'collector_collect_requests_total',
      help: 'POST /collect requests by run status (succeeded, partial, failed, aborted, invalid, error)',
      labelNames: ['status'],
      registers,
    });
    this.collectSymbols = new Counter({
      name: 'collector_collect_symbols_total',
      help: 'Symbols collected by result (ok, unknown, ambiguous, failed)',
      labelNames: ['status'],
      registers,
    });
    this.barsStored = new Counter({ name: 'collector_bars_stored_total', help: 'Bars written to the store that were not there before', registers });
    this.errors = new Counter({
      name: 'collector_errors_total',
      help: 'Errors by code (GATEWAY_UNREACHABLE, REQUEST_TIMEOUT, CLIENT_ID_IN_USE, INVALID_INPUT, ...)',
      labelNames: ['code'],
      registers,
    });
    const connects = new Counter({ name: 'collector_gateway_connects_total', help: 'Gateway connections established', registers });
    const reconnects = new Counter({ name: 'collector_gateway_reconnects_total', help: 'Connections established after a lost one', registers });
    const lost = new Counter({ name: 'collector_gateway_connections_lost_total', help: 'Connections that ended without us closing them', registers });
    const connectFailures = new Counter({
      name: 'collector_gateway_connect_failures_total',
      help: 'Failed connect attempts, by error code',
      labelNames: ['code'],
      registers,
    });
    new Gauge({
      name: 'collector_gateway_connection_state',
      help: 'Gateway connection state: 1 for the current state, 0 for the others',
      labelNames: ['state'],
      registers,
      collect() {
        const now = collector.health().state;
        for (const s of COLLECTOR_STATES) this.set({ state: s }, s === now ? 1 : 0);
      },
    });
    new Gauge({
      name: 'collector_gateway_connectivity',
      help: "IB's link to its servers as the gateway reports it (1100 lost, 1101/1102 restored): 1 for the current state",
      labelNames: ['state'],
      registers,
      collect() {
        const now = collector.health().connectivity;
        for (const s of ['ok', 'lost'] as const) this.set({ state: s }, s === now ? 1 : 0);
      },
    });
    new Gauge({
      name: 'collector_gateway_stalled_seconds',
      help: 'How long the longest-pending gateway request has waited (model seconds; 0 when none is pending)',
      registers,
      collect() {
        this.set(collector.health().stalledMs / 1000);
      },
    });
    monotonic(
      'collector_gateway_resent_requests_total',
      'Requests sent again after the connection they were on was lost',
      registers,
      () => collector.health().resentRequests,
    );
    monotonic(
      'collector_gateway_zombies_dropped_total',
      'Connections dropped because they stopped answering liveness probes',
      registers,
      () => collector.health().zombiesDropped,
    );
    new Gauge({
      name: 'collector_gateway_client_id',
      help: 'Client id of the current gateway connection (-1 when not connected)',
      registers,
      collect() {
        this.set(collector.health().clientId ?? -1);
      },
    });
    new Gauge({
      name: 'collector_gateway_open_connections',
      help: 'Open gateway connections (1 for shared-session strategies when connected)',
      registers,
      collect() {
        this.set(collector.health().openConnections);
      },
    });
    this.unsubscribe = collector.onConnectionEvent((e) => {
      if (e.type === 'connected') {
        connects.inc();
        if (e.reconnect) reconnects.inc();
      } else if (e.type === 'lost') {
        lost.inc();
      } else if (e.type === 'connect-failed') {
        connectFailures.inc({ code: codeOf(e.error) });
      }
    });
  }

  recordQualify(result: string, seconds: number, errorCode?: string): void {
    this.qualifyRequests.inc({ result });
    this.qualifyDuration.observe({ result }, seconds);
    if (errorCode) this.errors.inc({ code: errorCode });
  }

  recordCollect(out: CollectOutcome): void {
    this.collectRequests.inc({ status: out.status });
    for (const r of out.results) {
      this.collectSymbols.inc({ status: r.status });
      if (r.barsAdded) this.barsStored.inc(r.barsAdded);
      if (r.error) this.errors.inc({ code: r.error.code });
    }
  }

  dispose(): void {
    this.unsubscribe();
    this.registry.clear();
  }
}

/** A counter whose value is read from a running total at scrape time. */
function monotonic(name: string, help: string, registers: Registry[], total: () => number): Counter {
  let reported = 0;
  return new Counter({
    name,
    help,
    registers,
    collect() {
      const now = total();
      if (now > reported) this.inc(now - reported);
      reported = Math.max(reported, now);
    },
  });
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'ERROR';
}
