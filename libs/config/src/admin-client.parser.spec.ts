import { parseRegistryFile } from './registry-file.parser';

const client = (fields: Record<string, unknown>) => ({
  client_id: 'ops',
  client_secret: 'a-long-enough-secret',
  ...fields,
});
const parse = (c: Record<string, unknown>) =>
  parseRegistryFile({ resources: [], clients: [c] }).clients[0]!;

describe('the admin flag of a client', () => {
  it('is false unless set, and true when set on an HTTP Basic client', () => {
    expect(parse(client({})).admin).toBe(false);
    expect(parse(client({ admin: false })).admin).toBe(false);
    expect(parse(client({ admin: true })).admin).toBe(true);
  });

  it.each([['yes'], [1], [null]])('refuses a non-boolean admin (%p)', (admin) => {
    expect(() => parse(client({ admin }))).toThrow('clients[0].admin');
  });

  it.each([
    ['client_secret_post', {}],
    ['private_key_jwt', { client_secret: undefined, jwks: { keys: [] } }],
    ['none', { client_secret: undefined, grant_types: [] }],
  ])('refuses an admin client of %s: the admin API takes HTTP Basic only', (method, extra) => {
    expect(() =>
      parse(client({ token_endpoint_auth_method: method, admin: true, ...extra })),
    ).toThrow(
      'Invalid configuration: clients[0].admin: an admin client must be a confidential client ' +
        'of token_endpoint_auth_method client_secret_basic: the admin API takes HTTP Basic only',
    );
  });
});
