import { InvalidRequest } from '@app/oauth';
import { MAX_SECRET_OVERLAP_SECONDS } from '@app/registry';
import { secretRotationBody } from './clients/secret-rotation.body';
import { componentSchemas, openApiPath, readOpenApi } from '../../../test/support/openapi-document';
import { MANAGEMENT_API_PATHS } from './management-api.paths';

/**
 * The contract between docs/openapi.yaml and apps/management: each path of
 * MANAGEMENT_API_PATHS with exactly its methods, parameters, bodies and answers, and schemas that
 * agree with the body rules.
 */
interface Operation {
  readonly parameters?: readonly { readonly $ref: string }[];
  readonly requestBody?: { readonly required: boolean; readonly content: object };
  readonly responses: Record<string, object>;
  readonly security?: unknown;
}
interface Doc {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: {
    readonly parameters: Record<string, { name: string; in: string; required: boolean }>;
    readonly schemas: Record<string, unknown>;
  };
}

const doc = readOpenApi<Doc>();
const schema = componentSchemas(doc.components.schemas);

const COMMON = ['400', '401', '403', '429', '503'];
/** Per path, per method: the success status, and the extra statuses it answers. */
const EXPECTED: Record<keyof typeof MANAGEMENT_API_PATHS, Record<string, [string, ...string[]]>> = {
  clients: { get: ['200'], post: ['201', '409', '413'] },
  client: { get: ['200', '404'], put: ['200', '404', '413'], delete: ['204', '404'] },
  clientSecret: { post: ['200', '404', '413'] },
  resources: { get: ['200'], post: ['201', '409', '413'] },
  resource: {
    get: ['200', '404'],
    put: ['200', '404', '413'],
    delete: ['204', '404', '409'],
  },
};

describe('docs/openapi.yaml: clients and resources', () => {
  it.each(Object.keys(MANAGEMENT_API_PATHS) as (keyof typeof MANAGEMENT_API_PATHS)[])(
    '%s: its methods, path parameters, bodies and answers',
    (name) => {
      const path = MANAGEMENT_API_PATHS[name];
      const operations = doc.paths[openApiPath(path)]!;
      expect(Object.keys(operations).sort()).toEqual(Object.keys(EXPECTED[name]).sort());
      const pathParams = [...path.matchAll(/:([a-z_]+)/g)].map((m) => m[1]);
      for (const [method, statuses] of Object.entries(EXPECTED[name])) {
        const op = operations[method]!;
        const params = (op.parameters ?? []).map(
          (p) => doc.components.parameters[p.$ref.split('/').pop()!]!,
        );
        expect(params.map((p) => [p.name, p.in, p.required])).toEqual(
          pathParams.map((p) => [p, 'path', true]),
        );
        const hasBody = method === 'post' || method === 'put';
        if (hasBody) expect(Object.keys(op.requestBody!.content)).toEqual(['application/json']);
        else expect(op.requestBody).toBeUndefined();
        expect(Object.keys(op.responses).sort()).toEqual([...COMMON, ...statuses].sort());
        expect(op.security).toEqual([{ adminBasic: [] }]);
      }
    },
  );

  it('documents the overlap bound the rotation enforces', () => {
    const request = doc.components.schemas.SecretRotationRequest as {
      properties: { overlap_seconds: { maximum: number } };
    };
    expect(request.properties.overlap_seconds.maximum).toBe(MAX_SECRET_OVERLAP_SECONDS);
  });

  describe('SecretRotationRequest agrees with the body rules', () => {
    const accepts = (body: unknown): boolean => {
      try {
        secretRotationBody(body);
        return true;
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidRequest);
        return false;
      }
    };
    it.each([
      {},
      { overlap_seconds: 0 },
      { overlap_seconds: 86_400 },
      { overlap_seconds: MAX_SECRET_OVERLAP_SECONDS },
      { overlap_seconds: MAX_SECRET_OVERLAP_SECONDS + 1 },
      { overlap_seconds: -1 },
      { overlap_seconds: 1.5 },
      { overlap_seconds: '60' },
      { overlap: 60 },
      [],
    ])('%j', (body) => {
      expect(schema('SecretRotationRequest')(body)).toBe(accepts(body));
    });
  });

  it('shows client documents only with a hash, never a plain secret, in reads', () => {
    const read = schema('ClientDocument');
    expect(read({ client_id: 'a', client_secret_hash: 'plain' })).toBe(false);
    expect(
      schema('ClientList')({
        clients: [{ client_id: 'a', client_secret_hash: '$scrypt$ln=14,r=8,p=1$c2FsdA$a2V5' }],
      }),
    ).toBe(true);
  });
});
