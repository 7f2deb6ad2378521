import pino from 'pino';

export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Structured JSON logs on stderr, written synchronously: stdout stays free for the lines users and
 * scripts read ("listening on …", result tables), and nothing is lost when a CLI exits.
 */
export function createLogger(name: string, level: LogLevel = 'info'): pino.Logger {
  return pino({ name, level, base: { name } }, pino.destination({ fd: 2, sync: true }));
}
