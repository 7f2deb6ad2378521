import { describe, expect, it } from 'vitest';
import { UsageError } from './exit-codes.ts';
import { isLoopbackHost, refusalOf, requireTokenBeyondLoopback } from './http-guard.ts';

const local = { sameOrigin: { boundHost: '127.0.0.1' } };

describe('loopback', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', 'app.localhost', '::ffff:127.0.0.1'])('%s is loopback', (h) =>
    expect(isLoopbackHost(h)).toBe(true),
  );
  it.each(['0.0.0.0', '::', '', '192.168.1.5', '10.0.0.1', 'example.com', 'localhost.example.com', '128.0.0.1'])('%j is not', (h) =>
    expect(isLoopbackHost(h)).toBe(false),
  );

  it('binding beyond loopback needs a token: a usage error naming the flag', () => {
    expect(() => requireTokenBeyondLoopback('serve', '127.0.0.1', undefined, '--token')).not.toThrow();
    expect(() => requireTokenBeyondLoopback('serve', '0.0.0.0', 'sekrit', '--token')).not.toThrow();
    for (const token of [undefined, '']) {
      const err = (() => {
        try {
          requireTokenBeyondLoopback('serve', '0.0.0.0', token, '--token <token>');
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toBe(
        'serve would listen on 0.0.0.0, beyond loopback, with no authentication: give it a bearer token (--token <token>), or bind it to 127.0.0.1',
      );
    }
  });
});

describe('Host (DNS rebinding)', () => {
  it('takes loopback names and the configured host, with any port', () => {
    for (const host of ['127.0.0.1:4010', 'localhost:4010', '[::1]:4010', 'localhost']) expect(refusalOf({ host }, local), host).toBeUndefined();
    expect(refusalOf({ host: '192.168.1.5:4010' }, { sameOrigin: { boundHost: '192.168.1.5' } })).toBeUndefined();
    expect(refusalOf({ host: 'gw.lan:4010' }, { sameOrigin: { boundHost: 'gw.lan' } })).toBeUndefined();
  });

  it('refuses any other name, and a request without Host, with 403', () => {
    for (const host of ['evil.example:4010', 'evil.example', '192.168.1.5:4010', '', 'localhost.evil.example:4010']) {
      const r = refusalOf({ host }, local);
      expect(r?.status, host).toBe(403);
      expect(r?.error).toContain(`Host ${JSON.stringify(host)} is not allowed`);
    }
    expect(refusalOf({}, local)?.status).toBe(403);
  });

  it('bound to every interface, an IP address is fine but a DNS name is not (a name is what rebinding needs)', () => {
    const any = { sameOrigin: { boundHost: '0.0.0.0' } };
    expect(refusalOf({ host: '192.168.1.5:4010' }, any)).toBeUndefined();
    expect(refusalOf({ host: '[fe80::1]:4010' }, any)).toBeUndefined();
    expect(refusalOf({ host: 'evil.example:4010' }, any)?.status).toBe(403);
  });
});

describe('Origin (CSRF)', () => {
  it('takes no Origin (tools, scripts) and the server’s own origin', () => {
    expect(refusalOf({ host: '127.0.0.1:4010' }, local)).toBeUndefined();
    expect(refusalOf({ host: '127.0.0.1:4010', origin: 'http://127.0.0.1:4010' }, local)).toBeUndefined();
    expect(refusalOf({ host: 'localhost', origin: 'http://localhost' }, local)).toBeUndefined();
  });

  it('refuses another site, another port of this host, "null" and junk with 403', () => {
    for (const origin of ['http://evil.example', 'http://127.0.0.1:4011', 'https://127.0.0.1:4010', 'null', 'file://', 'not a url']) {
      const r = refusalOf({ host: '127.0.0.1:4010', origin }, local);
      expect(r?.status, origin).toBe(403);
      expect(r?.error).toContain('cross-origin request');
    }
  });
});

describe('bearer token', () => {
  const opts = { token: 'sekrit' };
  it('needs "Authorization: Bearer <token>", exactly that token', () => {
    expect(refusalOf({ authorization: 'Bearer sekrit' }, opts)).toBeUndefined();
    expect(refusalOf({ authorization: 'bearer sekrit' }, opts)).toBeUndefined();
    expect(refusalOf({}, opts)).toEqual({ status: 401, error: expect.stringMatching(/^missing bearer token/) });
    expect(refusalOf({ authorization: 'Bearer sekrit2' }, opts)).toEqual({ status: 401, error: expect.stringMatching(/^wrong bearer token/) });
    expect(refusalOf({ authorization: 'Basic c2Vrcml0' }, opts)?.status).toBe(401);
  });

  it('a token does not excuse a foreign Host or Origin', () => {
    expect(refusalOf({ host: 'evil.example', authorization: 'Bearer sekrit' }, { ...local, ...opts })?.status).toBe(403);
  });
});
