import { SIGNING_ALGS } from '@app/config';
import { InvalidRequest } from '@app/oauth';
import { KeyStatus } from '@app/tokens';
import { componentSchemas, readOpenApi } from '../../../../test/support/openapi-document';
import { KEY_ADMIN_PATHS } from './key-admin.paths';
import { rotationAlgs } from './rotate-keys.body';
import { signingKeyView } from './signing-key.view';

/**
 * The contract between docs/openapi.yaml and the signing-key routes: their methods,
 * bodies and answers, and schemas that accept what the routes answer and agree with the body rules.
 */
interface Operation {
  readonly requestBody?: { readonly required: boolean; readonly content: object };
  readonly responses: Record<string, object>;
  readonly security?: unknown;
}
interface Doc {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { readonly schemas: Record<string, { example?: unknown }> };
}

const doc = readOpenApi<Doc>();
const schema = componentSchemas(doc.components.schemas);

describe('docs/openapi.yaml: signing keys', () => {
  it.each([
    [KEY_ADMIN_PATHS.keys, 'get', false],
    [KEY_ADMIN_PATHS.rotate, 'post', true],
  ] as const)('%s: its one method, its body, its answers', (path, method, body) => {
    const operations = doc.paths[path]!;
    expect(Object.keys(operations)).toEqual([method]);
    const op = operations[method]!;
    const codes = ['200', '400', '401', '403', '429', '503'];
    if (body) {
      expect(op.requestBody?.required).toBe(true);
      expect(Object.keys(op.requestBody!.content)).toEqual(['application/json']);
      codes.push('413');
    } else expect(op.requestBody).toBeUndefined();
    expect(Object.keys(op.responses).sort()).toEqual(codes.sort());
    expect(op.security).toEqual([{ adminBasic: [] }]);
  });

  it('accepts every key view the routes give', () => {
    const validate = schema('SigningKeys');
    const statuses: KeyStatus[] = ['published', 'active', 'retired', 'removed'];
    const keys = statuses.flatMap((status) => [
      signingKeyView({ kid: 'f', alg: 'ES256', status, source: 'seed' }),
      signingKeyView({
        kid: 'r',
        alg: 'PS256',
        status,
        source: 'runtime',
        createdAt: 1,
        activateAt: 2,
        retireAt: 3,
        removeAt: 4,
      }),
    ]);
    expect([validate({ keys }), validate.errors]).toEqual([true, null]);
    expect(validate(doc.components.schemas.SigningKeys!.example)).toBe(true);
  });

  it('RotationRequest agrees with the body rules', () => {
    const validate = schema('RotationRequest');
    const accepts = (body: unknown) => {
      try {
        rotationAlgs(body, SIGNING_ALGS);
        return true;
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidRequest);
        return false;
      }
    };
    for (const body of [
      {},
      ...SIGNING_ALGS.map((alg) => ({ alg })),
      { alg: 'HS256' },
      { kid: 'x' },
      [],
    ])
      expect([body, validate(body)]).toEqual([body, accepts(body)]);
  });

  it('refuses an algorithm the issuer holds no key for, naming those it signs with', () => {
    expect(() => rotationAlgs({ alg: 'PS256' }, ['ES256', 'RS256'])).toThrow(
      'alg PS256 has no signing key to rotate: the issuer signs with ES256, RS256',
    );
    expect(rotationAlgs({}, ['ES256', 'RS256'])).toEqual(['ES256', 'RS256']);
  });
});
