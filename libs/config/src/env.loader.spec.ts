import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './env.loader';

const dir = mkdtempSync(join(tmpdir(), 'config-spec-'));
const configFile = join(dir, 'registry.json');
writeFileSync(configFile, JSON.stringify({ resources: [], clients: [] }));

describe('loadConfig', () => {
  it('derives the issuer and every endpoint from PORT when ISSUER is absent', () => {
    const sut = loadConfig({ PORT: '4000', CONFIG_FILE: configFile });
    expect(sut.issuer).toBe('http://localhost:4000');
    expect(sut.endpoints).toEqual({
      token: 'http://localhost:4000/oauth2/token',
      jwks: 'http://localhost:4000/oauth2/jwks',
      introspection: 'http://localhost:4000/oauth2/introspect',
      revocation: 'http://localhost:4000/oauth2/revoke',
    });
    expect(sut.bodyLimit).toBe(64 * 1024);
  });

  it('lets split services advertise their own public URLs', () => {
    const sut = loadConfig({
      ISSUER: 'https://auth.example.com/',
      INTROSPECTION_ENDPOINT: 'https://introspect.example.com/oauth2/introspect',
      CONFIG_FILE: configFile,
    });
    expect(sut.issuer).toBe('https://auth.example.com');
    expect(sut.endpoints.token).toBe('https://auth.example.com/oauth2/token');
    expect(sut.endpoints.introspection).toBe('https://introspect.example.com/oauth2/introspect');
  });

  it('is frozen all the way down', () => {
    const sut = loadConfig({ CONFIG_FILE: configFile });
    expect(Object.isFrozen(sut)).toBe(true);
    expect(Object.isFrozen(sut.endpoints)).toBe(true);
    expect(Object.isFrozen(sut.registry.clients)).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ ISSUER: 'not a url' }, 'ISSUER'],
    [{ ISSUER: 'https://auth.example.com/?q=1' }, 'ISSUER'],
    [{ BODY_LIMIT: '12' }, 'BODY_LIMIT'],
    [{ LOG_LEVEL: 'chatty' }, 'LOG_LEVEL'],
    [{ TOKEN_ENDPOINT: 'ftp://x' }, 'TOKEN_ENDPOINT'],
    [{ AUTH_FAILURES_PER_CLIENT: '0' }, 'AUTH_FAILURES_PER_CLIENT'],
    [{ AUTH_FAILURES_PER_ADDRESS: 'many' }, 'AUTH_FAILURES_PER_ADDRESS'],
    [{ AUTH_FAILURE_WINDOW_SECONDS: '0' }, 'AUTH_FAILURE_WINDOW_SECONDS'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY'],
    [{ SCRYPT_CONCURRENCY: '0' }, 'SCRYPT_CONCURRENCY'],
  ])('stops on a bad variable and names it %#', (env, name) => {
    expect(() => loadConfig({ CONFIG_FILE: configFile, ...env })).toThrow(
      `Invalid configuration: ${name}:`,
    );
  });

  it('names CONFIG_FILE when the file is missing or not JSON', () => {
    expect(() => loadConfig({ CONFIG_FILE: join(dir, 'absent.json') })).toThrow('CONFIG_FILE');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ nope');
    expect(() => loadConfig({ CONFIG_FILE: broken })).toThrow('CONFIG_FILE: ');
  });

  it('throttles failed client authentications by default, and takes other limits', () => {
    expect(loadConfig({ CONFIG_FILE: configFile }).authThrottle).toEqual({
      failuresPerClient: 10,
      failuresPerAddress: 30,
      windowSeconds: 60,
    });
    const sut = loadConfig({
      CONFIG_FILE: configFile,
      AUTH_FAILURES_PER_CLIENT: '3',
      AUTH_FAILURES_PER_ADDRESS: '7',
      AUTH_FAILURE_WINDOW_SECONDS: '120',
    });
    expect(sut.authThrottle).toEqual({
      failuresPerClient: 3,
      failuresPerAddress: 7,
      windowSeconds: 120,
    });
  });

  it('trusts no proxy unless TRUST_PROXY names some', () => {
    expect(loadConfig({ CONFIG_FILE: configFile }).trustProxy).toBe(false);
    expect(
      loadConfig({ CONFIG_FILE: configFile, TRUST_PROXY: '10.0.0.0/8, loopback' }).trustProxy,
    ).toEqual(['10.0.0.0/8', 'loopback']);
  });
});
