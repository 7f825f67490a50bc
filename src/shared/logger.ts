import pino, { type Logger } from 'pino';

export type { Logger };

/** One JSON line per event on stdout, named after the service; LOG_LEVEL is read by each service's config. */
export function createLogger(service: string, level: string): Logger {
  return pino({ name: service, level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
