import { parseRegistryFile } from './registry-file.parser';
import { TOKEN_EXCHANGE } from './token-exchange-client.parser';

const orders = { identifier: 'https://orders.example.com', scopes: ['orders:read'] };
const ledger = { identifier: 'https://ledger.example.com', scopes: ['ledger:read'] };
const exchanger = {
  client_id: 'orders-api',
  client_secret: 'a-long-enough-secret',
  grant_types: ['client_credentials', TOKEN_EXCHANGE],
  scope: 'ledger:read',
  resources: [ledger.identifier],
  token_exchange: { audiences: [ledger.identifier], delegation: true, impersonation: false },
};
const idp = 'https://idp.example.com';
const ci = 'https://token.actions.githubusercontent.com';
const parse = (client: object) =>
  parseRegistryFile({
    trusted_issuers: [{ issuer: idp }, { issuer: ci }],
    resources: [orders, ledger],
    clients: [client],
  }).clients[0]!;
const withIssuers = (subject_issuers: unknown) => ({
  ...exchanger,
  token_exchange: { ...exchanger.token_exchange, subject_issuers },
});

describe('token_exchange (per-client RFC 8693 policy)', () => {
  it('reads the policy exactly as named', () => {
    expect(parse(exchanger).tokenExchange).toEqual({
      audiences: [ledger.identifier],
      delegation: true,
      impersonation: false,
    });
  });

  it('reads subject_issuers, each a trusted issuer', () => {
    expect(parse(withIssuers([idp, ci])).tokenExchange).toEqual({
      audiences: [ledger.identifier],
      delegation: true,
      impersonation: false,
      subjectIssuers: [idp, ci],
    });
  });

  it('gives a client without the grant no policy', () => {
    const { token_exchange: _, ...plain } = exchanger;
    expect(parse({ ...plain, grant_types: ['client_credentials'] }).tokenExchange).toBeUndefined();
  });

  it.each([
    [
      'a policy without the grant type',
      { ...exchanger, grant_types: ['client_credentials'] },
      'clients[0].token_exchange: applies only to clients whose grant_types include ' +
        TOKEN_EXCHANGE,
    ],
    [
      'the grant type without a policy',
      { ...exchanger, token_exchange: undefined },
      'clients[0].token_exchange: is required when grant_types include',
    ],
    [
      'a public client',
      {
        ...exchanger,
        client_secret: undefined,
        token_endpoint_auth_method: 'none',
        grant_types: [TOKEN_EXCHANGE],
      },
      'clients[0].grant_types[0]: a client with token_endpoint_auth_method "none" may not use',
    ],
    [
      'an unknown field',
      { ...exchanger, token_exchange: { ...exchanger.token_exchange, actors: ['x'] } },
      'clients[0].token_exchange: has an unknown field',
    ],
    [
      'no audiences',
      { ...exchanger, token_exchange: { ...exchanger.token_exchange, audiences: [] } },
      'clients[0].token_exchange.audiences: must name at least one resource',
    ],
    [
      'audiences that is not an array',
      {
        ...exchanger,
        token_exchange: { ...exchanger.token_exchange, audiences: ledger.identifier },
      },
      'clients[0].token_exchange.audiences: must be an array',
    ],
    [
      'an audience that is no resource',
      {
        ...exchanger,
        token_exchange: { ...exchanger.token_exchange, audiences: ['https://x.example'] },
      },
      'clients[0].token_exchange.audiences[0]: names no resource defined in "resources"',
    ],
    [
      'a repeated audience',
      {
        ...exchanger,
        token_exchange: {
          ...exchanger.token_exchange,
          audiences: [ledger.identifier, ledger.identifier],
        },
      },
      'clients[0].token_exchange.audiences: duplicate audience',
    ],
    [
      'a flag that is not a boolean',
      { ...exchanger, token_exchange: { ...exchanger.token_exchange, delegation: 'true' } },
      'clients[0].token_exchange.delegation: must be true or false',
    ],
    [
      'neither mode',
      { ...exchanger, token_exchange: { audiences: [ledger.identifier] } },
      'clients[0].token_exchange: allows neither delegation nor impersonation',
    ],
    [
      'a subject issuer that is not trusted',
      withIssuers([idp, 'https://evil.example.com']),
      'clients[0].token_exchange.subject_issuers[1]: names no issuer of "trusted_issuers"',
    ],
    [
      'an empty subject_issuers',
      withIssuers([]),
      'clients[0].token_exchange.subject_issuers: must name at least one issuer',
    ],
    [
      'a repeated subject issuer',
      withIssuers([idp, idp]),
      'clients[0].token_exchange.subject_issuers: duplicate issuer',
    ],
    [
      'subject_issuers that is not an array',
      withIssuers(idp),
      'clients[0].token_exchange.subject_issuers: must be an array',
    ],
    [
      'a subject issuer that is not a string',
      withIssuers([42]),
      'clients[0].token_exchange.subject_issuers[0]:',
    ],
    [
      'a policy that is not an object',
      { ...exchanger, token_exchange: [ledger.identifier] },
      'clients[0].token_exchange: must be an object',
    ],
  ])('refuses %s, naming the field', (_, client, message) => {
    expect(() => parse(client)).toThrow(message);
  });
});
