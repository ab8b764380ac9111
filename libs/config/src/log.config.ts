import { oneOf } from './env-values';

type Env = Readonly<Record<string, string | undefined>>;

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
/** `json`: one JSON object a line, for a log pipeline; `pretty`: coloured lines for a terminal. */
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LogConfig {
  readonly logLevel: LogLevelName;
  readonly logFormat: LogFormat;
}

/**
 * LOG_LEVEL and LOG_FORMAT. A service process writes JSON unless told otherwise: that is what a
 * log pipeline reads, and `npm run dev:cluster` shows the same lines as production. `npm start`
 * (scripts/start.js) sets LOG_FORMAT=pretty when it is unset, for a newcomer at the terminal.
 */
export function loadLogConfig(env: Env): LogConfig {
  return {
    logLevel: oneOf(env.LOG_LEVEL, 'LOG_LEVEL', LOG_LEVELS, 'log'),
    logFormat: oneOf(env.LOG_FORMAT, 'LOG_FORMAT', LOG_FORMATS, 'json'),
  };
}
