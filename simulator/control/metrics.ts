/**
 * Prometheus metrics for one gateway. A dedicated Registry per gateway, so two simulators in one
 * process (as in tests) never share or clash on metric names.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GatewayObserver } from '../model/ports.ts';
import type { GatewayStats } from './local-control.ts';

/** Model seconds: the incident's waits ran from tens of ms to about two minutes. */
const SECONDS_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 90, 120];

/**
 * Close reasons arrive as free text, and some embed what the client sent (a garbled handshake's
 * parse error). As label values they would let one misbehaving client mint unbounded series, so
 * only the model's fixed reasons pass through and the rest is folded.
 */
const KNOWN_CLOSE_REASONS = new Set([
  'client closed',
  'connection lost',
  'client id in use',
  'too many clients',
  'handshake timeout',
  'gateway restarting',
  'gateway restart',
  'gateway reset',
  'client not reading',
  'message rate exceeded',
  'fault: dropped',
  'fault: disconnect',
  'fault: disconnect at login',
]);

export function closeReasonLabel(reason: string): string {
  if (KNOWN_CLOSE_REASONS.has(reason)) return reason;
  if (reason.startsWith('fault: error')) return 'fault: error';
  if (reason.startsWith('client needs server version')) return 'unsupported version';
  return 'other';
}

/**
 * Per-label tallies kept as plain numbers: the observer runs for every frame, and a Map update
 * costs less than prom-client's per-call label hashing. They are copied into the counter on scrape.
 */
class Tally<K extends string | number> {
  private readonly counts = new Map<K, number>();

  add(key: K): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Replace the counter's series with the tallies (they only grow, so the counter stays monotonic). */
  publish(counter: Counter<string>, label: string): void {
    counter.reset();
    for (const [key, n] of this.counts) counter.inc({ [label]: String(key) }, n);
  }
}

export interface GatewayMetrics {
  registry: Registry;
  observer: GatewayObserver;
}

/** Metrics read from `stats` on scrape and from the returned observer (subscribe it to the gateway). */
export function createGatewayMetrics(stats: () => GatewayStats): GatewayMetrics {
  const registry = new Registry();
  const registers = [registry];
  const messagesIn = new Tally<string>();
  const messagesOut = new Tally<string>();
  const errors = new Tally<number>();
  const closes = new Tally<string>();

  new Gauge({
    name: 'ibsim_sessions',
    help: 'Open TCP sessions, including ones still handshaking.',
    registers,
    collect() {
      this.set(stats().sessions);
    },
  });
  new Gauge({
    name: 'ibsim_api_clients',
    help: 'Sessions holding a client id (logging in or ready).',
    registers,
    collect() {
      this.set(stats().apiClients);
    },
  });
  new Gauge({
    name: 'ibsim_secdef_queue_depth',
    help: 'Contract-details requests waiting or in service in the shared sec-def queue.',
    registers,
    collect() {
      this.set(stats().secdefQueueDepth);
    },
  });
  new Gauge({
    name: 'ibsim_connectivity_lost',
    help: '1 while IB <-> gateway connectivity is simulated as lost.',
    registers,
    collect() {
      this.set(stats().connectivityLost ? 1 : 0);
    },
  });

  const secdefWait = new Histogram({
    name: 'ibsim_secdef_wait_seconds',
    help: 'Model seconds a contract-details request waited in the sec-def queue before service.',
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const secdefService = new Histogram({
    name: 'ibsim_secdef_service_seconds',
    help: 'Model seconds the sec-def service spent on one contract-details request.',
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const historyLatency = new Histogram({
    name: 'ibsim_history_latency_seconds',
    help: 'Model seconds from a historical-data request to its answer.',
    buckets: SECONDS_BUCKETS,
    registers,
  });

  const tallied = (name: string, help: string, label: string, tally: Tally<string> | Tally<number>) =>
    new Counter({
      name,
      help,
      labelNames: [label],
      registers,
      collect() {
        tally.publish(this, label);
      },
    });
  tallied('ibsim_messages_in_total', 'Messages received from clients, by message type.', 'type', messagesIn);
  tallied('ibsim_messages_out_total', 'Messages sent to clients, by message type.', 'type', messagesOut);
  tallied('ibsim_errors_sent_total', 'ERR_MSG frames sent (errors and notices), by code.', 'code', errors);
  tallied('ibsim_sessions_closed_total', 'Sessions ended, by reason.', 'reason', closes);
  const opened = new Counter({ name: 'ibsim_sessions_opened_total', help: 'TCP sessions accepted.', registers });

  const observer: GatewayObserver = {
    sessionOpened: () => opened.inc(),
    sessionClosed: (reason) => closes.add(closeReasonLabel(reason)),
    errorSent: (code) => errors.add(code),
    secdefServed: (waitMs, serviceMs) => {
      secdefWait.observe(waitMs / 1000);
      secdefService.observe(serviceMs / 1000);
    },
    historyServed: (latencyMs) => historyLatency.observe(latencyMs / 1000),
    messageIn: (type) => messagesIn.add(type),
    messageOut: (type) => messagesOut.add(type),
  };
  return { registry, observer };
}
