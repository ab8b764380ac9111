import { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's LoggerService over pino, as nestjs-pino's `Logger` does it, without its per-request
 * pino-http child (the hot routes pay nothing): every `new Logger(context)` of the code base
 * writes here once `app.useLogger` or NestFactory's `logger` option has it. Nest passes the
 * context last; an Error (or Nest's `(message, stack, context)` form) becomes pino's `err`.
 */
export class NestPinoLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    const rest = [...params];
    if (rest.length > 0 && typeof rest[rest.length - 1] === 'string') fields.context = rest.pop();
    // Nest's own exception handlers call error(message, stack, context).
    if (level === 'error' && typeof message === 'string' && typeof rest[0] === 'string') {
      const err = new Error(message);
      err.stack = rest.shift() as string;
      fields.err = err;
      this.pino[level](fields, message);
      return;
    }
    if (message instanceof Error) {
      fields.err = message;
      this.pino[level](fields, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ ...{}, ...fields, ...message });
    } else {
      this.pino[level](fields, String(message));
    }
  }
}
