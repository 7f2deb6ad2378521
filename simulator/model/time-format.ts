/** `yyyyMMdd HH:mm:ss` of an instant in an IANA zone, the layout TWS uses for times on the wire. */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatInZone(epochMs: number, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(epochMs)).map((x) => [x.type, x.value]));
  return `${p.year}${p.month}${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** The handshake's connection time: `20251110 10:15:00 MET`. */
export function formatConnectionTime(epochMs: number, timeZone: string): string {
  return `${formatInZone(epochMs, timeZone)} ${timeZone}`;
}
