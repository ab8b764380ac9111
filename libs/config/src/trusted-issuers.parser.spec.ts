import { ConfigError } from './config.error';
import { parseRegistryFile } from './registry-file.parser';
import { DEFAULT_TRUSTED_ISSUER_ALGS, parseTrustedIssuers } from './trusted-issuers.parser';

const GITHUB = 'https://token.actions.githubusercontent.com';

describe('parseTrustedIssuers', () => {
  it('is empty when absent, and applies the defaults', () => {
    expect(parseTrustedIssuers(undefined)).toEqual([]);
    expect(parseTrustedIssuers([{ issuer: GITHUB }])).toEqual([
      { issuer: GITHUB, allowedAlgs: [...DEFAULT_TRUSTED_ISSUER_ALGS], maxTokenLifetime: 300 },
    ]);
  });

  it('keeps a jwks_uri, allowed_algs and max_token_lifetime_seconds', () => {
    const [sut] = parseTrustedIssuers([
      {
        issuer: 'https://k8s.example/cluster-1',
        jwks_uri: 'https://k8s.example/openid/v1/jwks',
        allowed_algs: ['RS256', 'ES256'],
        max_token_lifetime_seconds: 3600,
      },
    ]);
    expect(sut).toEqual({
      issuer: 'https://k8s.example/cluster-1',
      jwksUri: 'https://k8s.example/openid/v1/jwks',
      allowedAlgs: ['RS256', 'ES256'],
      maxTokenLifetime: 3600,
    });
  });

  it.each([
    [[{ issuer: 'http://ci.example' }], 'trusted_issuers[0].issuer', /https/],
    [[{ issuer: 'http://127.0.0.1:9000' }], 'trusted_issuers[0].issuer', /https/],
    [[{ issuer: 'https://ci.example?x=1' }], 'trusted_issuers[0].issuer', /query/],
    [[{ issuer: GITHUB, jwks_uri: 'http://keys.example' }], 'trusted_issuers[0].jwks_uri', /https/],
    [
      [{ issuer: GITHUB, allowed_algs: ['none'] }],
      'trusted_issuers[0].allowed_algs[0]',
      /asymmetric/,
    ],
    [[{ issuer: GITHUB, allowed_algs: ['HS256'] }], 'trusted_issuers[0].allowed_algs[0]', /HMAC/],
    [[{ issuer: GITHUB, allowed_algs: ['RS1'] }], 'trusted_issuers[0].allowed_algs[0]', /one of/],
    [[{ issuer: GITHUB, allowed_algs: [] }], 'trusted_issuers[0].allowed_algs', /at least one/],
    [
      [{ issuer: GITHUB, allowed_algs: ['RS256', 'RS256'] }],
      'trusted_issuers[0].allowed_algs',
      /duplicate/,
    ],
    [
      [{ issuer: GITHUB, max_token_lifetime_seconds: 0 }],
      'trusted_issuers[0].max_token_lifetime_seconds',
      /1 to 86400/,
    ],
    [[{ issuer: GITHUB, jwks: {} }], 'trusted_issuers[0].jwks', /not a known field/],
    [[{ issuer: GITHUB }, { issuer: GITHUB }], 'trusted_issuers', /duplicate issuer/],
    [{ issuer: GITHUB }, 'trusted_issuers', /array/],
  ])('refuses %j at %s', (raw, field, reason) => {
    expect(() => parseTrustedIssuers(raw)).toThrow(ConfigError);
    try {
      parseTrustedIssuers(raw);
    } catch (e) {
      expect((e as ConfigError).field).toBe(field);
      expect((e as Error).message).toMatch(reason);
    }
  });

  it('takes http on a loopback host in development only', () => {
    const raw = [{ issuer: 'http://127.0.0.1:9000/ci' }];
    expect(parseTrustedIssuers(raw, { allowLoopbackHttp: true })[0]!.issuer).toBe(raw[0]!.issuer);
    expect(() => parseTrustedIssuers(raw)).toThrow(/https/);
  });

  it('is read from the top of CONFIG_FILE', () => {
    const sut = parseRegistryFile({
      resources: [],
      clients: [],
      trusted_issuers: [{ issuer: GITHUB }],
    });
    expect(sut.trustedIssuers?.map((t) => t.issuer)).toEqual([GITHUB]);
  });
});
