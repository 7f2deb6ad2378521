/**
 * What `--coordination` (and `createCollector({ coordination })`) accepts:
 *
 *   files                                   one host: lease files and coordination.sqlite under <dataDir>/leases (default)
 *   redis://[user:password@]host:port[/db][?prefix=…&login=…]   many hosts sharing one Redis
 *   rediss://…                              the same over TLS
 *
 * `prefix` starts every key (default `ibkr-harness`), so several deployments can share one Redis.
 * `login` names the gateway login the keys are kept under; by default the gateway's `host:port` as
 * this process reaches it — set it when hosts reach the one gateway under different addresses.
 */
import { InvalidInput } from '../symbols.ts';

export type CoordinationSpec =
  | { kind: 'files' }
  | {
      kind: 'redis';
      /** For the Redis client: the URL without our own query parameters. */
      url: string;
      prefix: string;
      login: string | undefined;
      /** For messages: the URL without a password. */
      display: string;
    };

export const DEFAULT_REDIS_PREFIX = 'ibkr-harness';
const KNOWN_PARAMS = new Set(['prefix', 'login']);
const EXAMPLE = 'use "files" or redis://host:port[/db][?prefix=NAME&login=NAME], e.g. redis://127.0.0.1:6379/0';

/** Parse a coordination setting; a bad one is an InvalidInput naming `field` and showing the accepted forms. */
export function parseCoordination(value: string, field = '--coordination'): CoordinationSpec {
  const text = value.trim();
  if (text === '' || text === 'files') return { kind: 'files' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidInput(field, `"${value}" is not a coordination store; ${EXAMPLE}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new InvalidInput(field, `unsupported scheme "${url.protocol}"; ${EXAMPLE}`);
  if (!url.hostname) throw new InvalidInput(field, `"${value}" names no host; ${EXAMPLE}`);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new InvalidInput(field, `database "${db}" must be a number (redis://host:port/0); ${EXAMPLE}`);
  for (const key of url.searchParams.keys()) {
    if (!KNOWN_PARAMS.has(key)) throw new InvalidInput(field, `unknown parameter "${key}" (known: prefix, login); ${EXAMPLE}`);
  }
  const prefix = url.searchParams.get('prefix') ?? DEFAULT_REDIS_PREFIX;
  const login = url.searchParams.get('login') ?? undefined;
  for (const [name, v] of [
    ['prefix', prefix],
    ['login', login],
  ] as const) {
    if (v !== undefined && (v === '' || /[\s{}]/.test(v))) throw new InvalidInput(field, `${name} "${v}" must be non-empty, without spaces or braces`);
  }
  const bare = new URL(url.href);
  bare.search = '';
  const shown = new URL(bare.href);
  if (shown.password) shown.password = '***';
  const display = `${shown.href.replace(/\/$/, '')} (prefix ${prefix}${login ? `, login ${login}` : ''})`;
  return { kind: 'redis', url: bare.href, prefix, login, display };
}
