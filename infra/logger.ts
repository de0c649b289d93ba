import pino, { type Logger } from 'pino';

export type { Logger };

/** `json`: one JSON object a line, for log shippers; `pretty`: readable lines for a terminal, coloured when it is one (pino-pretty). */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * Errors under `error` too, not only pino's `err`: the Temporal SDK puts a
 * failed workflow's error there, and a plain object copy of an Error is `{}`.
 */
const serializers = { err: pino.stdSerializers.err, error: pino.stdSerializers.err };

export function createLogger(level: string, name: string, format: LogFormat = 'json'): Logger {
  if (format === 'json') return pino({ level, name, serializers });
  // pino-pretty runs in a worker thread of pino's transport, off the event loop that serves requests.
  return pino({
    level,
    name,
    serializers,
    transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } },
  });
}
