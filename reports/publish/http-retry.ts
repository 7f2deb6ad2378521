/**
 * fetch with the retry rules of a polite API client: a rate limit (403/429 with `retry-after` or
 * an exhausted `x-ratelimit-*` budget) waits as long as the server asks, a 5xx or a network
 * failure backs off exponentially, both a bounded number of times; 401 and other 4xx fail at once.
 * The wait is injectable, so tests never sleep.
 */
export interface RetryOptions {
  sleep?: (ms: number) => Promise<void>;
  /** Epoch ms, for `x-ratelimit-reset`. */
  now?: () => number;
  /** Retries after the first attempt. Default 3. */
  maxRetries?: number;
  /** The longest single wait accepted; a rate limit that resets later fails instead. Default 60 s. */
  maxWaitMs?: number;
  /** First 5xx backoff; doubles per retry. Default 1 s. */
  backoffMs?: number;
  log?: (line: string) => void;
}

export class PublishError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PublishError';
  }

  /**
   * The command's exit code (common/exit-codes.ts): a 4xx is what we sent (token, repository, PR
   * number, webhook URL): a usage error, 2; a 5xx or a network failure after the retries, 1.
   */
  get exitCode(): 1 | 2 {
    return this.status !== undefined && this.status >= 400 && this.status < 500 ? 2 : 1;
  }
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** How long a 403/429 asks us to wait, or undefined when it is not a rate limit. */
export function rateLimitWait(res: Response, now: number): number | undefined {
  const after = res.headers.get('retry-after');
  if (after !== null) {
    const s = Number(after);
    if (Number.isFinite(s)) return Math.max(0, s * 1000);
    const at = Date.parse(after);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  const reset = res.headers.get('x-ratelimit-reset');
  if (reset !== null && (res.headers.get('x-ratelimit-remaining') === '0' || res.status === 429)) {
    // One second of slack: the reset time is whole seconds and clocks differ.
    return Math.max(0, Number(reset) * 1000 - now + 1000);
  }
  return undefined;
}

export async function fetchWithRetry(url: string, init: RequestInit, what: string, o: RetryOptions = {}): Promise<Response> {
  const sleep = o.sleep ?? realSleep;
  const now = o.now ?? Date.now;
  const maxRetries = o.maxRetries ?? 3;
  const maxWaitMs = o.maxWaitMs ?? 60_000;
  const backoff = (attempt: number) => (o.backoffMs ?? 1_000) * 2 ** attempt;
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, init);
    } catch (err) {
      if (attempt >= maxRetries) throw new PublishError(`${what}: ${(err as Error).message} (gave up after ${attempt + 1} attempts)`);
      o.log?.(`${what}: ${(err as Error).message}; retrying in ${backoff(attempt)} ms`);
      await sleep(backoff(attempt));
      continue;
    }
    if (res.ok) return res;
    const detail = await errorDetail(res);
    if (res.status === 401)
      throw new PublishError(
        `${what}: 401 Unauthorized — the token was rejected; check GITHUB_TOKEN (it must be valid and allowed to write issue comments)${detail}`,
        401,
      );
    if (res.status === 403 || res.status === 429) {
      const wait = rateLimitWait(res, now()) ?? (res.status === 429 ? backoff(attempt) : undefined);
      if (wait === undefined)
        throw new PublishError(`${what}: 403 Forbidden — the token lacks permission (it needs pull-requests or issues: write)${detail}`, 403);
      if (attempt >= maxRetries) throw new PublishError(`${what}: still rate limited (${res.status}) after ${attempt + 1} attempts${detail}`, res.status);
      if (wait > maxWaitMs)
        throw new PublishError(
          `${what}: rate limited (${res.status}) for another ${Math.ceil(wait / 1000)} s, longer than the ${maxWaitMs / 1000} s we wait${detail}`,
          res.status,
        );
      o.log?.(`${what}: rate limited (${res.status}); waiting ${Math.ceil(wait / 1000)} s as asked`);
      await sleep(wait);
      continue;
    }
    if (res.status >= 500 && attempt < maxRetries) {
      o.log?.(`${what}: ${res.status}; retrying in ${backoff(attempt)} ms`);
      await sleep(backoff(attempt));
      continue;
    }
    throw new PublishError(`${what}: ${res.status} ${res.statusText}${attempt ? ` after ${attempt + 1} attempts` : ''}${detail}`, res.status);
  }
}

async function errorDetail(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  if (!text) return '';
  try {
    const msg = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof msg === 'string') return ` (${msg})`;
  } catch {
    // Not JSON: show the start of the body as it is.
  }
  return ` (${text.slice(0, 200)})`;
}
