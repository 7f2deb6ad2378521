import { formatZoned } from '../market/time.ts';

/** The handshake's connection time: `20251110 10:15:00 MET` (TWS formats times on the wire alike). */
export function formatConnectionTime(epochMs: number, timeZone: string): string {
  return `${formatZoned(epochMs, timeZone)} ${timeZone}`;
}
