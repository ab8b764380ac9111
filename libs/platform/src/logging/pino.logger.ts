import pino, { DestinationStream, Logger, LoggerOptions } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { LogFormat, LogLevelName } from '@app/config';
import { logContextFields } from './log-context';
import { maskSecrets, REDACT_PATHS, REDACTED } from './log-redaction';
import { version } from '../../../../package.json';

/** Nest's level names (LOG_LEVEL) to pino's: Nest's `log` is pino's `info`. */
const PINO_LEVELS: Record<LogLevelName, pino.Level> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
};

export interface ServiceLoggerOptions {
  readonly service: string;
  readonly level: LogLevelName;
  readonly format: LogFormat;
  /** Where lines go: stdout unless a test captures them. */
  readonly destination?: { write(line: string): unknown };
}

/**
 * The process's pino logger: one JSON object a line with `service`, `version` (package.json's,
 * bundled at build), the request id
 * and the trace id (log-context.ts), secrets redacted by field (pino's `redact`) and then masked
 * line-wide by shape (maskSecrets) before anything is written, in either format.
 */
export function createServiceLogger(options: ServiceLoggerOptions): Logger {
  const pinoOptions: LoggerOptions = {
    level: PINO_LEVELS[options.level],
    base: { service: options.service, version, pid: process.pid },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: logContextFields,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: { err: pino.stdSerializers.err },
  };
  return pino(pinoOptions, maskedDestination(options));
}

function maskedDestination(options: ServiceLoggerOptions): DestinationStream {
  const out = options.destination ?? pino.destination({ dest: 1, sync: true });
  if (options.format === 'json') return { write: (line) => out.write(maskSecrets(line)) };
  // In-process and synchronous: a terminal's lines, in order, with no worker thread to start.
  const prettify = prettyFactory({
    colorize: process.stdout.isTTY === true && options.destination === undefined,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service,version,context',
    messageFormat: '{if context}[{context}] {end}{msg}',
    hideObject: false,
  });
  return { write: (line) => out.write(prettify(maskSecrets(line))) };
}
