/**
 * pino with redaction. Request bodies are never logged; the redaction below is a second guard for
 * credentials and personal fields should an object carrying them ever reach a log call.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { scrubText } from './http/scrub';

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

/**
 * `err` in a log call: the error class as `type` (a personal-field redaction of `*.name` must not
 * hide it), its code, and message and stack scrubbed of anything shaped like an ID number or phone.
 * Nothing else of the error object is copied (its own fields could carry input).
 */
export function serializeError(value: unknown): unknown {
  if (!(value instanceof Error)) return typeof value === 'string' ? scrubText(value) : value;
  const code = (value as { code?: unknown }).code;
  return {
    type: value.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    message: scrubText(value.message),
    stack: scrubText(value.stack ?? ''),
  };
}

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  const config = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
    base: { service: 'ledger-server' },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
