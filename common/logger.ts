import pino from 'pino';
import type { LogFormat } from './log-format.ts';

export { LOG_FORMATS, type LogFormat } from './log-format.ts';

export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Logs on stderr, written synchronously: stdout stays free for the lines users and scripts read
 * ("listening on …", result tables), and nothing is lost when a CLI exits. `format` (default
 * `json`, structured) or `human` (see humanLine).
 */
export function createLogger(name: string, level: LogLevel = 'info', format: LogFormat = 'json'): pino.Logger {
  const destination = format === 'json' ? pino.destination({ fd: 2, sync: true }) : { write: (line: string) => process.stderr.write(humanLine(line)) };
  return pino({ name, level, base: { name } }, destination);
}

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** One pino JSON line as a human line: its level and message, then the other fields as key=value. */
export function humanLine(json: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { level, msg, time: _time, pid: _pid, hostname: _host, name: _name, ...rest } = rec;
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v)}`);
  return `${LEVEL_NAMES[level as number] ?? String(level)}: ${msg ?? ''}${fields.length ? ` ${fields.join(' ')}` : ''}\n`;
}
