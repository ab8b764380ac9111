import { parseRegistryFile } from '@app/config';
import {
  InvalidBearerToken,
  InvalidClientMetadata,
  InvalidRedirectUri,
  InvalidRequest,
  InvalidSoftwareStatement,
  ServerError,
  TemporarilyUnavailable,
} from '@app/oauth';
import type { AppConfig } from '@app/config';
import {
  componentSchemas,
  openApiPath,
  readOpenApi,
} from '../../../../test/support/openapi-document';
import { registrationAnswer } from './registration-answer';
import { REGISTRATION_PATHS } from './registration.paths';

/**
 * The contract between docs/openapi.yaml and registration: its paths with their
 * methods, security and answers, and schemas that accept what the endpoints answer.
 */
interface Operation {
  readonly requestBody?: { readonly required: boolean };
  readonly responses: Record<string, object>;
  readonly security?: readonly Record<string, unknown[]>[];
}
interface Doc {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: {
    readonly securitySchemes: Record<string, object>;
    readonly schemas: Record<string, { example?: unknown }>;
  };
}

const doc = readOpenApi<Doc>();
const schema = componentSchemas(doc.components.schemas);
const operations = (path: string) => doc.paths[openApiPath(path)]!;

describe('docs/openapi.yaml: registration', () => {
  it('documents POST /admin/initial-access-tokens as an admin call with an optional body', () => {
    const ops = operations(REGISTRATION_PATHS.initialAccessTokens);
    expect(Object.keys(ops)).toEqual(['post']);
    expect(ops.post!.security).toEqual([{ adminBasic: [] }]);
    expect(ops.post!.requestBody?.required).toBe(false);
    expect(Object.keys(ops.post!.responses).sort()).toEqual(
      ['200', '400', '401', '403', '413', '429', '503'].sort(),
    );
  });

  it('documents POST /oauth2/register with an initial access token, or none', () => {
    const ops = operations(REGISTRATION_PATHS.register);
    expect(Object.keys(ops)).toEqual(['post']);
    expect(ops.post!.security).toEqual([{ initialAccessToken: [] }, {}]);
    expect(Object.keys(ops.post!.responses).sort()).toEqual(
      ['201', '400', '401', '413', '429', '503'].sort(),
    );
  });

  it('documents GET, PUT and DELETE /oauth2/register/{client_id} with the registration access token', () => {
    const ops = operations(REGISTRATION_PATHS.clientConfiguration);
    expect(Object.keys(ops).filter((k) => k !== 'parameters')).toEqual(['get', 'put', 'delete']);
    for (const method of ['get', 'put', 'delete'])
      expect(ops[method]!.security).toEqual([{ registrationAccessToken: [] }]);
    expect(Object.keys(ops.get!.responses).sort()).toEqual(['200', '401', '429']);
    expect(Object.keys(ops.put!.responses).sort()).toEqual(
      ['200', '400', '401', '413', '429', '503'].sort(),
    );
    expect(Object.keys(ops.delete!.responses).sort()).toEqual(['204', '401', '429', '503']);
    for (const name of ['initialAccessToken', 'registrationAccessToken'])
      expect(doc.components.securitySchemes[name]).toMatchObject({
        type: 'http',
        scheme: 'bearer',
      });
  });

  it('lists the error codes registration answers with', () => {
    const codes = [
      new InvalidRequest(''),
      new InvalidClientMetadata(''),
      new InvalidRedirectUri(''),
      new InvalidSoftwareStatement(''),
      new InvalidBearerToken('', 'registration', true),
      new TemporarilyUnavailable(''),
      new ServerError(''),
    ].map((e) => e.error);
    const error = doc.components.schemas.RegistrationError as {
      properties: { error: { enum: string[] } };
    };
    expect(error.properties.error.enum.sort()).toEqual(codes.sort());
  });

  it('has schemas that accept what the endpoints answer', () => {
    const { clients } = parseRegistryFile(
      {
        resources: [{ identifier: 'https://api.example.com/orders', scopes: ['orders:read'] }],
        clients: [
          {
            client_id: 'c1',
            client_secret_hash: `$scrypt$ln=14,r=8,p=1$${'a'.repeat(22)}$${'b'.repeat(43)}`,
            grant_types: ['authorization_code', 'refresh_token'],
            redirect_uris: ['https://app.example.com/cb'],
            scope: 'openid orders:read',
            resources: ['https://api.example.com/orders'],
          },
        ],
      },
      { plainSecrets: false },
    );
    const config = {
      endpoints: { registration: 'https://as.example.com/oauth2/register' },
    } as AppConfig;
    const answer = registrationAnswer(config, clients[0]!, {
      clientSecret: 's'.repeat(43),
      registrationAccessToken: `rat_${'r'.repeat(43)}`,
      clientIdIssuedAt: 1_767_225_600,
    });
    const information = schema('ClientInformation');
    expect([information(answer), information.errors]).toEqual([true, null]);
    const issued = { initial_access_token: `iat_${'i'.repeat(43)}`, expires_in: 3600, uses: 1 };
    const token = schema('InitialAccessTokenAnswer');
    expect([token(issued), token.errors]).toEqual([true, null]);
  });

  it('has examples its schemas accept', () => {
    for (const name of [
      'InitialAccessTokenRequest',
      'InitialAccessTokenAnswer',
      'ClientInformation',
    ]) {
      const s = doc.components.schemas[name]!;
      expect([name, schema(name)(s.example)]).toEqual([name, true]);
    }
  });
});
