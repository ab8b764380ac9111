import { loadMaxTokenTtl } from './max-token-ttl.config';
import { parseRegistryFile } from './registry-file.parser';

const registry = parseRegistryFile({
  resources: [
    { identifier: 'https://a.example', scopes: ['a'], access_token_ttl: 900 },
    { identifier: 'https://b.example', scopes: ['b'], access_token_ttl: 300 },
  ],
  clients: [],
});

describe('MAX_TOKEN_TTL', () => {
  it("defaults to CONFIG_FILE's longest lifetime (and the /userinfo token's), as before", () => {
    expect(loadMaxTokenTtl(undefined, registry, 600)).toBe(900);
    expect(loadMaxTokenTtl('', registry, 1200)).toBe(1200);
    expect(loadMaxTokenTtl(undefined, parseRegistryFile({ resources: [], clients: [] }), 30)).toBe(
      60,
    );
  });

  it('raises the ceiling (and the revocation retention) when set', () => {
    expect(loadMaxTokenTtl('7200', registry, 600)).toBe(7200);
  });

  it('stops the process when CONFIG_FILE or the /userinfo token lives longer', () => {
    expect(() => loadMaxTokenTtl('600', registry, 600)).toThrow(
      'MAX_TOKEN_TTL: is 600 s, below CONFIG_FILE resources[0].access_token_ttl (900 s)',
    );
    expect(() => loadMaxTokenTtl('1000', registry, 3600)).toThrow(/USERINFO_TOKEN_TTL_SECONDS/);
  });

  it.each(['59', '604801', '1.5', 'an hour'])('refuses %s', (v) => {
    expect(() => loadMaxTokenTtl(v, registry, 600)).toThrow(/MAX_TOKEN_TTL: must be an integer/);
  });
});
