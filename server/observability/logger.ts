/** Structured logs (pino). Secrets never reach a log line: known secret fields are redacted. */
import { pino, type Logger } from 'pino';

export function createLogger(level: string, name = 'hub'): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'password', '*.password', 'token', '*.token'], censor: '[redacted]' },
  });
}
