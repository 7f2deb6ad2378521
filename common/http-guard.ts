/**
 * Who may talk to the harness's HTTP servers (the simulator's control plane, `serve`). Both run on
 * a developer's machine next to a web browser, so:
 *  - a server bound beyond loopback needs a bearer token (there is no other authentication), and
 *    says so when it starts;
 *  - the control plane answers only to loopback names or its configured host in `Host` (a page
 *    on a rebinding DNS name reaches 127.0.0.1 with its own name in `Host`: DNS rebinding), and
 *    to no page but its own in `Origin` (a page elsewhere can POST without asking: CSRF).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UsageError } from './exit-codes.ts';

/** The address or name without brackets, lower case: `[::1]` → `::1`. */
function bare(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/**
 * A loopback address or name: 127.0.0.0/8, ::1 (also as ::ffff:127.x), `localhost` and names under
 * `.localhost`, which browsers resolve to loopback themselves (RFC 6761), so no DNS can rebind them.
 */
export function isLoopbackHost(host: string): boolean {
  const h = bare(host);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

/** Every interface: `0.0.0.0`, `::` (and an empty host, which Node binds as `::`). */
export function isWildcardHost(host: string): boolean {
  const h = bare(host);
  return h === '' || h === '0.0.0.0' || h === '::' || h === '0:0:0:0:0:0:0:0';
}

/** The warning a server bound beyond loopback logs when it starts. */
export function exposureWarning(what: string, host: string, guarded: string): string {
  return `${what} listens on ${host}, beyond loopback: anyone who can reach this machine can use it${guarded ? ` (${guarded})` : ''}`;
}

/**
 * Refuse to bind `what` beyond loopback without a token: a UsageError (exit 2) naming the flag
 * and the environment variable that set one.
 */
export function requireTokenBeyondLoopback(what: string, host: string, token: string | undefined, how: string): void {
  if (isLoopbackHost(host) || (token !== undefined && token !== '')) return;
  throw new UsageError(
    `${what} would listen on ${host || '::'}, beyond loopback, with no authentication: give it a bearer token (${how}), or bind it to 127.0.0.1`,
  );
}

/** Token equality in constant time (both sides hashed to the same length first). */
function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** `host[:port]` of a Host header or an origin → its host part. */
function hostPart(hostAndPort: string): string {
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d*)?$/.exec(hostAndPort.trim());
  return m ? m[1]! : hostAndPort;
}

export interface HttpGuardOptions {
  /** Bearer token every request must carry (`Authorization: Bearer …`); none: no token needed. */
  token?: string | undefined;
  /**
   * Check `Host` and `Origin` (the control plane): `Host` must be a loopback name, `boundHost`,
   * or — bound to every interface — an IP address (no DNS name, so nothing to rebind); `Origin`
   * absent, or this server itself.
   */
  sameOrigin?: { boundHost: string };
}

type Refusal = { status: 401 | 403; error: string };

/** Why a request is refused, or undefined when it may go on. */
export function refusalOf(
  headers: { host?: string | undefined; origin?: string | undefined; authorization?: string | undefined },
  opts: HttpGuardOptions,
): Refusal | undefined {
  if (opts.sameOrigin) {
    const host = headers.host ?? '';
    if (!hostAllowed(hostPart(host), opts.sameOrigin.boundHost)) {
      return {
        status: 403,
        error: `Host ${JSON.stringify(host)} is not allowed: this server answers to loopback names (localhost, 127.0.0.1, [::1]) and its configured host ${JSON.stringify(opts.sameOrigin.boundHost)} only (a guard against DNS rebinding)`,
      };
    }
    const origin = headers.origin;
    if (origin !== undefined && !sameOriginAs(origin, host)) {
      return {
        status: 403,
        error: `cross-origin request from ${JSON.stringify(origin)} refused: this server takes requests from scripts and tools (no Origin) or from its own origin only (a guard against CSRF)`,
      };
    }
  }
  if (opts.token) {
    const m = /^Bearer +(\S+)\s*$/i.exec(headers.authorization ?? '');
    if (!m || !sameToken(m[1]!, opts.token)) {
      return {
        status: 401,
        error: `${m ? 'wrong' : 'missing'} bearer token: send "Authorization: Bearer <token>" with the token this server was started with`,
      };
    }
  }
  return undefined;
}

function hostAllowed(host: string, boundHost: string): boolean {
  if (host === '') return false;
  if (isLoopbackHost(host) || bare(host) === bare(boundHost)) return true;
  return isWildcardHost(boundHost) && net.isIP(bare(host)) !== 0;
}

/** `Origin` names this very server: http (these servers speak plain HTTP), the host and port of `Host`. */
function sameOriginAs(origin: string, host: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file: pages) and anything unparseable
  }
  if (url.protocol !== 'http:') return false;
  const [reqHost, reqPort] = splitHostPort(host);
  return bare(url.hostname) === bare(reqHost) && (url.port || '80') === (reqPort || '80');
}

function splitHostPort(hostAndPort: string): [string, string] {
  const host = hostPart(hostAndPort);
  const port = hostAndPort.trim().slice(host.length).replace(/^:/, '');
  return [host, port];
}

/** Install the guard on a fastify app: every request is checked before routing. */
export function installHttpGuard(app: FastifyInstance, opts: HttpGuardOptions): void {
  if (!opts.token && !opts.sameOrigin) return;
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const refusal = refusalOf({ host: req.headers.host, origin: req.headers.origin, authorization: req.headers.authorization }, opts);
    if (!refusal) return;
    if (refusal.status === 401) reply.header('www-authenticate', 'Bearer');
    return reply.code(refusal.status).send({ error: refusal.error });
  });
}
