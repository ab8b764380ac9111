import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './config.error';
import { AppConfig } from './config.types';
import { parseRegistryFile } from './registry-file.parser';

type Env = Readonly<Record<string, string | undefined>>;

/** The example configuration shipped with the repository; its secrets are public. */
export const DEV_CONFIG_FILE = 'config/dev.json';
const DEFAULT_BODY_LIMIT = 64 * 1024;
const LOG_LEVELS = ['error', 'warn', 'log', 'debug'] as const;

/**
 * Reads the environment once, validates it and the files it names, and returns a frozen tree.
 * The only reader of process.env in the code base: libraries receive this object.
 */
export function loadConfig(env: Env = process.env, defaults: { port?: number } = {}): AppConfig {
  const port = integer(env.PORT, 'PORT', defaults.port ?? 3000, 0, 65535);
  const configFile = resolve(env.CONFIG_FILE || DEV_CONFIG_FILE);
  const iss = issuer(env.ISSUER, port);
  const config: AppConfig = {
    port,
    host: env.HOST || '0.0.0.0',
    issuer: iss,
    endpoints: {
      token: endpoint(env.TOKEN_ENDPOINT, 'TOKEN_ENDPOINT', `${iss}/oauth2/token`),
      jwks: endpoint(env.JWKS_URI, 'JWKS_URI', `${iss}/oauth2/jwks`),
      introspection: endpoint(
        env.INTROSPECTION_ENDPOINT,
        'INTROSPECTION_ENDPOINT',
        `${iss}/oauth2/introspect`,
      ),
      revocation: endpoint(env.REVOCATION_ENDPOINT, 'REVOCATION_ENDPOINT', `${iss}/oauth2/revoke`),
    },
    configFile,
    keysFile: env.KEYS_FILE ? resolve(env.KEYS_FILE) : undefined,
    registry: parseRegistryFile(readJson(configFile, 'CONFIG_FILE')),
    bodyLimit: integer(env.BODY_LIMIT, 'BODY_LIMIT', DEFAULT_BODY_LIMIT, 1024, 1024 * 1024),
    logLevel: logLevel(env.LOG_LEVEL),
  };
  return deepFreeze(config);
}

export function readJson(file: string, variable: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(variable, `cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(variable, `${file} is not valid JSON: ${(e as Error).message}`);
  }
}

function integer(v: string | undefined, name: string, fallback: number, min: number, max: number) {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${v}"`);
  return n;
}

function issuer(v: string | undefined, port: number): string {
  if (!v) return `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError('ISSUER', `must be an absolute URL, got "${v}"`);
  }
  // RFC 8414 §2: an https URL with no query or fragment (http is tolerated for local use).
  if (!['https:', 'http:'].includes(url.protocol) || url.search || url.hash)
    throw new ConfigError('ISSUER', 'must be an http(s) URL without query or fragment');
  return v.replace(/\/+$/, '');
}

/** Split services live at their own URLs; by default every endpoint hangs off the issuer. */
function endpoint(v: string | undefined, name: string, fallback: string): string {
  if (!v) return fallback;
  if (!URL.canParse(v) || !/^https?:/.test(v))
    throw new ConfigError(name, `must be an absolute http(s) URL, got "${v}"`);
  return v;
}

function logLevel(v: string | undefined): AppConfig['logLevel'] {
  if (!v) return 'log';
  if (!(LOG_LEVELS as readonly string[]).includes(v))
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  return v as AppConfig['logLevel'];
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
