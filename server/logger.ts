/**
 * pino with redaction. Request bodies are never logged; the redaction below is a second guard for
 * credentials and personal fields should an object carrying them ever reach a log call.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'password',
  'token',
  'body',
  'req.body',
  '*.password',
  '*.token',
  '*.body',
  '*.idNumber',
  '*.name',
  '*.phone',
  '*.values',
];

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  const config = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'ledger-server' },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
