import { KEY_ADMIN_PATHS, MANAGEMENT_API_PATHS, REGISTRATION_PATHS } from '@app/management';
import {
  Conflict,
  ForbiddenClient,
  InvalidClient,
  InvalidRequest,
  NotFound,
  ServerError,
  TemporarilyUnavailable,
} from '@app/oauth';
import {
  componentSchemas,
  openApiPath,
  pathsTagged,
  readOpenApi,
  schemasOf,
} from '../../../../test/support/openapi-document';
import { ADMIN_API_PATHS } from './admin-api.paths';
import { DEFAULT_GRANTS_LIMIT, encodeGrantCursor, MAX_GRANTS_LIMIT } from './grant-page.query';
import { grantView } from './grant.view';
import { revocationRequest } from './revocation-request.body';
import { RevocationAnswer } from './revoke-in-bulk.usecase';

/**
 * The contract between docs/openapi.yaml's admin and registration parts and the code: exactly the
 * paths of ADMIN_API_PATHS (and of management, keys and registration, each pinned in its own
 * spec) with their methods, parameters, security and errors, and schemas that accept what the API
 * answers and agree with its body rules.
 */
interface Operation {
  readonly operationId: string;
  readonly parameters?: readonly { readonly $ref: string }[];
  readonly requestBody?: { readonly required: boolean; readonly content: object };
  readonly responses: Record<string, object>;
  readonly security?: unknown;
}
interface Doc {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: {
    readonly securitySchemes: Record<string, object>;
    readonly parameters: Record<string, { name: string; in: string; required: boolean }>;
    readonly schemas: Record<string, { example?: unknown }>;
  };
}

const doc = readOpenApi<Doc>();

const schema = componentSchemas(doc.components.schemas);

const EXPECTED = {
  revocations: { method: 'post', params: [], body: true, ok: '200', notFound: true },
  subjectGrants: {
    method: 'get',
    params: [
      ['subject', 'path', true],
      ['limit', 'query', false],
      ['cursor', 'query', false],
    ],
    body: false,
    ok: '200',
    notFound: false,
  },
  grant: {
    method: 'delete',
    params: [['grant_id', 'path', true]],
    body: false,
    ok: '204',
    notFound: true,
  },
} as const;

describe('docs/openapi.yaml: the admin API', () => {
  it('is OpenAPI 3.1 with exactly the admin, management, key and registration paths', () => {
    expect(doc.openapi).toBe('3.1.0');
    // The signing-key paths are pinned operation by operation in key-admin.openapi.spec.ts,
    // registration's in registration.openapi.spec.ts (apps/management).
    const expected = [
      ...Object.values(ADMIN_API_PATHS),
      ...Object.values(MANAGEMENT_API_PATHS),
      ...Object.values(KEY_ADMIN_PATHS),
      ...Object.values(REGISTRATION_PATHS),
    ]
      .map(openApiPath)
      .sort();
    // Both ways of drawing the part's border: by its tags, and by its path prefixes.
    expect(pathsTagged(doc, ['admin', 'registration'])).toEqual(expected);
    const prefixed = Object.keys(doc.paths).filter(
      (p) => p.startsWith('/admin/') || p.startsWith('/oauth2/register'),
    );
    expect(prefixed.sort()).toEqual(expected);
  });

  it.each(Object.keys(ADMIN_API_PATHS) as (keyof typeof ADMIN_API_PATHS)[])(
    '%s: its one method, its path parameters, its body, its answers',
    (name) => {
      const e = EXPECTED[name];
      const operations = doc.paths[openApiPath(ADMIN_API_PATHS[name])]!;
      expect(Object.keys(operations)).toEqual([e.method]);
      const op = operations[e.method]!;
      const params = (op.parameters ?? []).map(
        (p) => doc.components.parameters[p.$ref.split('/').pop()!]!,
      );
      expect(params.map((p) => [p.name, p.in, p.required])).toEqual(e.params);
      const codes = [e.ok, '400', '401', '403', '429', '503'];
      if (e.notFound) codes.push('404');
      if (e.body) {
        expect(op.requestBody?.required).toBe(true);
        expect(Object.keys(op.requestBody!.content)).toEqual(['application/json']);
        codes.push('413');
      } else expect(op.requestBody).toBeUndefined();
      expect(Object.keys(op.responses).sort()).toEqual(codes.sort());
      expect(op.security).toEqual([{ adminBasic: [] }]);
    },
  );

  it('secures every /admin operation with HTTP Basic, as an admin client', () => {
    const admin = Object.entries(doc.paths).filter(([p]) => p.startsWith('/admin/'));
    for (const [path, operations] of admin)
      for (const [method, op] of Object.entries(operations))
        expect([path, method, op.security]).toEqual([path, method, [{ adminBasic: [] }]]);
    expect(doc.components.securitySchemes.adminBasic).toMatchObject({
      type: 'http',
      scheme: 'basic',
    });
  });

  it('lists the error codes this API answers with', () => {
    const codes = [
      new InvalidRequest(''),
      new InvalidClient(''),
      new ForbiddenClient(''),
      new NotFound(''),
      new Conflict(''),
      new TemporarilyUnavailable(''),
      new ServerError(''),
    ].map((e) => e.error);
    const error = doc.components.schemas.Error as { properties: { error: { enum: string[] } } };
    expect(error.properties.error.enum.sort()).toEqual(codes.sort());
  });

  it('has examples its schemas accept', () => {
    for (const name of schemasOf(doc, ['admin', 'registration'])) {
      const { example } = doc.components.schemas[name]!;
      if (example !== undefined) expect([name, schema(name)(example)]).toEqual([name, true]);
    }
  });

  it('accepts every answer the API gives', () => {
    const answers: RevocationAnswer[] = [
      { revoked: 'grant', grant_id: 'g-1', client_id: 'web', exp: 1_700_000_960 },
      { revoked: 'client', client_id: 'svc a', revoked_at: 1_700_000_000_123, exp: 1_700_000_960 },
      { revoked: 'subject', subject: 'a@b', revoked_at: 1, exp: 2, grant_ids: [] },
      { revoked: 'subject', subject: 'a@b', revoked_at: 1, exp: 2, grant_ids: ['g-1', 'g-2'] },
    ];
    const answer = schema('RevocationAnswer');
    for (const a of answers) expect([a, answer(a), answer.errors]).toEqual([a, true, null]);
    const view = grantView({
      grantId: 'g-1',
      subject: 'alice',
      clientId: 'web',
      scopes: ['openid'],
      resources: [],
      authTime: 1_700_000_000,
      amr: [],
      idTokenClaims: { email: 'alice@example.com' },
      userinfoClaims: {},
      createdAt: 1_700_000_000_123,
      lastUsedAt: 1_700_000_500_999,
    });
    const grants = schema('SubjectGrants');
    const listing = { subject: 'alice', grants: [view] };
    expect([grants(listing), grants.errors]).toEqual([true, null]);
    const next_cursor = encodeGrantCursor({
      expiresAt: 1_739_527_200_000,
      grantId: 'x'.repeat(128),
    });
    const paged = { ...listing, next_cursor };
    expect([grants(paged), grants.errors]).toEqual([true, null]);
  });

  it('documents the page bounds the listing enforces', () => {
    const { limit, cursor } = doc.components.parameters as unknown as Record<
      string,
      { schema: { minimum?: number; maximum?: number; default?: number; pattern?: string } }
    >;
    expect(limit!.schema).toMatchObject({
      minimum: 1,
      maximum: MAX_GRANTS_LIMIT,
      default: DEFAULT_GRANTS_LIMIT,
    });
    const page = doc.components.schemas.SubjectGrants as unknown as {
      properties: { grants: { maxItems: number }; next_cursor: { pattern: string } };
    };
    expect(page.properties.grants.maxItems).toBe(MAX_GRANTS_LIMIT);
    expect(page.properties.next_cursor.pattern).toBe(cursor!.schema.pattern);
  });

  describe('RevocationRequest agrees with the body rules', () => {
    const accepts = (body: unknown): boolean => {
      try {
        revocationRequest(body);
        return true;
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidRequest);
        return false;
      }
    };
    it.each([
      { grant_id: 'g' },
      { client_id: 'svc a' },
      { subject: 'alice@example.com' },
      { grant_id: 'g'.repeat(128) },
      { subject: 'x'.repeat(255) },
      {},
      { grant_id: 'g', client_id: 'c' },
      { client_id: 'c', subject: 's' },
      { subject: 'a b' },
      { subject: '' },
      { subject: 'x'.repeat(256) },
      { grant_id: 'g'.repeat(129) },
      { grant_id: 'g h' },
      { client_id: 'svc\n' },
      { client_id: 7 },
      { subject: 'a', reason: 'leak' },
      [],
      'alice',
    ])('%j', (body) => {
      expect(schema('RevocationRequest')(body)).toBe(accepts(body));
    });
  });
});
