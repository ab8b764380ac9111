import { DENIAL_ERRORS } from '@app/events';
import {
  Conflict,
  ForbiddenClient,
  InvalidClient,
  InvalidRequest,
  LOGIN_CONSENT_PATHS,
  NotFound,
  ServerError,
  TemporarilyUnavailable,
} from '@app/oauth';
import { InteractionChallenge } from '@app/store';
import {
  componentSchemas,
  pathsTagged,
  readOpenApi,
  schemasOf,
} from '../../../../test/support/openapi-document';
import { consentAcceptance } from './bodies/accept-consent.body';
import { loginAcceptance } from './bodies/accept-login.body';
import { rejection } from './bodies/reject.body';
import { consentView, loginView } from './challenge.views';

/**
 * The contract between docs/openapi.yaml's login-consent part and the code: exactly the paths of
 * LOGIN_CONSENT_PATHS with their methods, parameters, security and errors, and schemas that
 * accept what the API answers and agree with its body rules wherever JSON Schema can say them.
 */

type Path = keyof typeof LOGIN_CONSENT_PATHS;
interface Operation {
  readonly operationId: string;
  readonly parameters: readonly { readonly $ref: string }[];
  readonly requestBody?: { readonly required: boolean; readonly content: object };
  readonly responses: Record<string, object>;
  readonly security?: unknown;
  readonly tags?: readonly string[];
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
const TAG = 'login-consent';

const schema = componentSchemas(doc.components.schemas);

const READS: readonly Path[] = ['loginRequest', 'consentRequest'];
const kindOf = (path: Path) => (path.toLowerCase().includes('login') ? 'login' : 'consent');
const accepts = (fn: () => unknown): boolean => {
  try {
    fn();
    return true;
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidRequest);
    return false;
  }
};

const CHALLENGE: InteractionChallenge = {
  kind: 'login',
  requestId: 'r',
  clientId: 'web',
  scopes: ['openid', 'email'],
  resources: ['https://orders.example.com'],
  prompt: ['login'],
  maxAge: 60,
  loginHint: 'alice',
  uiLocales: ['en'],
  acrValues: ['1'],
  skip: true,
  subject: 'alice',
  sid: 'sid',
  authTime: 1_700_000_000,
  acr: '1',
  amr: ['pwd'],
  browserBinding: 'b',
  createdAt: 0,
};
const BARE: InteractionChallenge = {
  ...CHALLENGE,
  maxAge: undefined,
  loginHint: undefined,
  skip: false,
  sid: undefined,
  acr: undefined,
  amr: undefined,
};

describe('docs/openapi.yaml: the login/consent API', () => {
  it('is OpenAPI 3.1 with exactly the paths of LOGIN_CONSENT_PATHS', () => {
    expect(doc.openapi).toBe('3.1.0');
    const expected = Object.values(LOGIN_CONSENT_PATHS).sort();
    expect(pathsTagged(doc, [TAG])).toEqual(expected);
    const prefixed = Object.keys(doc.paths).filter((p) => p.startsWith('/oauth2/auth/requests/'));
    expect(prefixed.sort()).toEqual(expected);
  });

  it.each(Object.keys(LOGIN_CONSENT_PATHS) as Path[])(
    '%s: its one method, the challenge in the query, the body, the errors',
    (path) => {
      const operations = doc.paths[LOGIN_CONSENT_PATHS[path]]!;
      const method = READS.includes(path) ? 'get' : 'put';
      expect(Object.keys(operations)).toEqual([method]);
      const op = operations[method]!;
      expect(op.operationId).toBe(path);
      const params = op.parameters.map((p) => doc.components.parameters[p.$ref.split('/').pop()!]);
      expect(params).toEqual([
        expect.objectContaining({ name: `${kindOf(path)}_challenge`, in: 'query', required: true }),
      ]);
      const errors = ['400', '401', '403', '404', '409', '429', '503'];
      if (method === 'put') {
        expect(op.requestBody?.required).toBe(true);
        expect(Object.keys(op.requestBody!.content)).toEqual(['application/json']);
        errors.push('413');
      } else expect(op.requestBody).toBeUndefined();
      expect(Object.keys(op.responses).sort()).toEqual(['200', ...errors].sort());
      expect(op.security).toEqual([{ loginProviderBasic: [] }]);
      expect(op.tags).toEqual([TAG]);
    },
  );

  it('secures every operation with HTTP Basic, as a login provider', () => {
    expect(doc.components.securitySchemes.loginProviderBasic).toMatchObject({
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
    const error = doc.components.schemas.LoginConsentError as {
      properties: { error: { enum: string[] } };
    };
    expect(error.properties.error.enum.sort()).toEqual(codes.sort());
  });

  it('gives a reject the errors of DENIAL_ERRORS', () => {
    const reject = doc.components.schemas.Reject as { properties: { error: { enum: unknown[] } } };
    expect(reject.properties.error.enum.filter((e) => e !== null)).toEqual([...DENIAL_ERRORS]);
  });

  it('has examples its schemas accept', () => {
    for (const name of schemasOf(doc, [TAG])) {
      const { example } = doc.components.schemas[name]!;
      if (example !== undefined) expect([name, schema(name)(example)]).toEqual([name, true]);
    }
  });

  describe('response schemas accept what the API answers', () => {
    it.each([
      ['every field', CHALLENGE],
      ['the required fields only', BARE],
    ])('the login and consent requests with %s', (_what, c) => {
      const login = schema('LoginRequest');
      const consent = schema('ConsentRequest');
      expect([login(loginView('id', c)), login.errors]).toEqual([true, null]);
      expect([consent(consentView('id', c)), consent.errors]).toEqual([true, null]);
    });

    it('a redirect answer', () => {
      const answer = { redirect_to: 'https://as.example.com/oauth2/authorize?login_challenge=a' };
      expect(schema('RedirectTo')(answer)).toBe(true);
    });
  });

  describe('body schemas agree with the body rules', () => {
    const cap = 3600;
    const CASES: ReadonlyArray<readonly [string, (b: unknown) => unknown, unknown]> = [
      ['AcceptLogin', (b) => loginAcceptance(b, BARE, cap), { subject: 'alice' }],
      ['AcceptLogin', (b) => loginAcceptance(b, BARE, cap), { subject: 'alice', acr: null }],
      [
        'AcceptLogin',
        (b) => loginAcceptance(b, BARE, cap),
        { subject: 'a', acr: 'x', amr: ['pwd'], remember: true, remember_for: 0 },
      ],
      ['AcceptLogin', (b) => loginAcceptance(b, BARE, cap), {}],
      ['AcceptLogin', (b) => loginAcceptance(b, BARE, cap), { subject: 'a b' }],
      ['AcceptLogin', (b) => loginAcceptance(b, BARE, cap), { subject: 'a'.repeat(256) }],
      ['AcceptLogin', (b) => loginAcceptance(b, BARE, cap), { subject: 'a', amr: ['pwd', 'pwd'] }],
      [
        'AcceptLogin',
        (b) => loginAcceptance(b, BARE, cap),
        { subject: 'a', amr: ['a'.repeat(33)] },
      ],
      ['AcceptLogin', (b) => loginAcceptance(b, BARE, cap), { subject: 'a', remember: 'yes' }],
      ['AcceptLogin', (b) => loginAcceptance(b, BARE, cap), { subject: 'a', remember_for: -1 }],
      ['AcceptLogin', (b) => loginAcceptance(b, BARE, cap), { subject: 'a', remember_for: 1.5 }],
      ['AcceptLogin', (b) => loginAcceptance(b, BARE, cap), { subject: 'a', context: {} }],
      ['AcceptConsent', (b) => consentAcceptance(b, BARE, cap), { grant_scope: ['openid'] }],
      [
        'AcceptConsent',
        (b) => consentAcceptance(b, BARE, cap),
        { grant_scope: ['openid'], grant_resource: [], session: { id_token: { a: 1 } } },
      ],
      ['AcceptConsent', (b) => consentAcceptance(b, BARE, cap), {}],
      ['AcceptConsent', (b) => consentAcceptance(b, BARE, cap), { grant_scope: 'openid' }],
      [
        'AcceptConsent',
        (b) => consentAcceptance(b, BARE, cap),
        { grant_scope: ['openid', 'openid'] },
      ],
      [
        'AcceptConsent',
        (b) => consentAcceptance(b, BARE, cap),
        { grant_scope: ['openid'], session: { x: {} } },
      ],
      [
        'AcceptConsent',
        (b) => consentAcceptance(b, BARE, cap),
        { grant_scope: ['openid'], session: { userinfo: [] } },
      ],
      [
        'AcceptConsent',
        (b) => consentAcceptance(b, BARE, cap),
        { grant_scope: ['openid'], context: 1 },
      ],
      ['Reject', rejection, {}],
      ['Reject', rejection, { error: null, error_description: null }],
      ['Reject', rejection, { error: 'login_required', error_description: 'No.' }],
      ['Reject', rejection, { error: 'server_error' }],
      ['Reject', rejection, { error_description: '' }],
      ['Reject', rejection, { error_description: 'say "no"' }],
      ['Reject', rejection, { error_description: 'a'.repeat(201) }],
      ['Reject', rejection, { reason: 'x' }],
    ];

    it.each(
      CASES.map(
        ([name, code, body]) => [name, JSON.stringify(body).slice(0, 60), code, body] as const,
      ),
    )('%s %s', (name, _title, code, body) => {
      expect(schema(name)(body)).toBe(accepts(() => code(body)));
    });
  });
});
