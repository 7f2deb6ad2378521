import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GatewayObserver } from '../model/ports.ts';
import { combineObservers } from '../model/observers.ts';
import { closeReasonLabel } from './metrics.ts';
import { Harness } from '../testing/control-harness.ts';

describe('metrics helpers', () => {
  it('folds free-text close reasons into a bounded label set', () => {
    expect(closeReasonLabel('client closed')).toBe('client closed');
    expect(closeReasonLabel('fault: dropped')).toBe('fault: dropped');
    expect(closeReasonLabel('fault: error 502')).toBe('fault: error');
    expect(closeReasonLabel('client needs server version 200..210; this gateway speaks 100..178')).toBe('unsupported version');
    expect(closeReasonLabel('bad handshake "v\u0000garbage"')).toBe('other');
  });

  it('combines observers so both see every event', () => {
    const first: GatewayObserver = { messageIn: vi.fn(), sessionClosed: vi.fn() };
    const second: GatewayObserver = { messageIn: vi.fn(), errorSent: vi.fn() };
    const both = combineObservers(first, second);
    both.messageIn?.('REQ_IDS');
    both.sessionClosed?.('client closed');
    both.errorSent?.(200);
    expect(first.messageIn).toHaveBeenCalledWith('REQ_IDS');
    expect(second.messageIn).toHaveBeenCalledWith('REQ_IDS');
    expect(first.sessionClosed).toHaveBeenCalledWith('client closed');
    expect(second.errorSent).toHaveBeenCalledWith(200);
    expect(both.historyServed).toBeUndefined();
  });
});

describe('metrics over the wire', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('counts a garbled handshake under a bounded reason and keeps counters monotonic across scrapes', async () => {
    const { sim, control } = await h.start();
    const sock = net.connect({ port: sim.port, host: '127.0.0.1' }).on('error', () => {});
    await new Promise<void>((r) => sock.once('connect', () => r()));
    const text = Buffer.from('not a version range');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(text.length);
    sock.write(Buffer.concat([Buffer.from('API\0'), len, text]));
    await new Promise<void>((r) => sock.once('close', () => r()));

    const first = await control.metrics();
    expect(first).toMatch(/ibsim_sessions_closed_total\{reason="other"\} 1/);
    await h.connect(sim, 1);
    const second = await control.metrics();
    expect(second).toMatch(/ibsim_sessions_closed_total\{reason="other"\} 1/);
    expect(second).toContain('ibsim_sessions_opened_total 2');
    expect(second).toContain('ibsim_messages_in_total{type="START_API"} 1');
  });
});
