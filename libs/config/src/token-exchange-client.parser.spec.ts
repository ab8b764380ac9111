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
const parse = (client: object) =>
  parseRegistryFile({ resources: [orders, ledger], clients: [client] }).clients[0]!;

describe('token_exchange (per-client RFC 8693 policy)', () => {
  it('reads the policy exactly as named', () => {
    expect(parse(exchanger).tokenExchange).toEqual({
      audiences: [ledger.identifier],
      delegation: true,
      impersonation: false,
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
      'a policy that is not an object',
      { ...exchanger, token_exchange: [ledger.identifier] },
      'clients[0].token_exchange: must be an object',
    ],
  ])('refuses %s, naming the field', (_, client, message) => {
    expect(() => parse(client)).toThrow(message);
  });
});
