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
  ])('stops on a bad variable and names it %#', (env, name) => {
    expect(() => loadConfig({ CONFIG_FILE: configFile, ...env })).toThrow(
      `Invalid configuration: ${name}:`,
    );
  });

  it('lets a client fetch its jwks_uri over loopback http only outside production', () => {
    const withUri = join(dir, 'loopback-jwks-uri.json');
    const keyClient = {
      client_id: 'svc-k',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: 'http://127.0.0.1:8080/jwks',
    };
    writeFileSync(withUri, JSON.stringify({ resources: [], clients: [keyClient] }));
    expect(loadConfig({ CONFIG_FILE: withUri }).clientJwksLoopbackHttp).toBe(true);
    expect(
      loadConfig({ CONFIG_FILE: withUri, NODE_ENV: 'development' }).registry.clients,
    ).toHaveLength(1);
    expect(() => loadConfig({ CONFIG_FILE: withUri, NODE_ENV: 'production' })).toThrow(
      'clients[0].jwks_uri: must be an https URL',
    );
    expect(
      loadConfig({ CONFIG_FILE: configFile, NODE_ENV: 'production' }).clientJwksLoopbackHttp,
    ).toBe(false);
  });

  it('names CONFIG_FILE when the file is missing or not JSON', () => {
    expect(() => loadConfig({ CONFIG_FILE: join(dir, 'absent.json') })).toThrow('CONFIG_FILE');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ nope');
    expect(() => loadConfig({ CONFIG_FILE: broken })).toThrow('CONFIG_FILE: ');
  });
});
