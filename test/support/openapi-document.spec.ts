import Ajv2020 from 'ajv/dist/2020';
import {
  HTTP_METHODS,
  operations,
  pathsTagged,
  reachableRefs,
  readOpenApi,
  resolveRef,
  schemasOf,
} from './openapi-document';

/**
 * docs/openapi.yaml as a document: references that resolve, nothing unused, every operation
 * tagged and secured, path templates with their parameters, schemas that compile and accept
 * their examples. What it says of the code is pinned by the specs its header names.
 */
interface Operation {
  readonly tags?: readonly string[];
  readonly operationId?: string;
  readonly security?: readonly Record<string, unknown[]>[];
  readonly parameters?: readonly ({ $ref: string } | Parameter)[];
  readonly responses?: Record<string, unknown>;
}
interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
}
interface Doc {
  readonly openapi: string;
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly tags: readonly { readonly name: string; readonly description?: string }[];
  readonly paths: Record<
    string,
    Record<string, Operation> & { parameters?: Operation['parameters'] }
  >;
  readonly components: Record<string, Record<string, unknown>> & {
    readonly schemas: Record<string, { example?: unknown }>;
    readonly securitySchemes: Record<string, unknown>;
  };
}

const doc = readOpenApi<Doc>();
const TAGS = [
  'issuance',
  'introspection',
  'revocation',
  'authorization',
  'login-consent',
  'login-app',
  'registration',
  'admin',
  'operations',
];

describe('docs/openapi.yaml', () => {
  it('is one OpenAPI 3.1 document with a tag per service, each described', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.tags.map((t) => t.name)).toEqual(TAGS);
    for (const tag of doc.tags)
      expect([tag.name, typeof tag.description]).toEqual([tag.name, 'string']);
    // Which service serves which tag, and what is left out on purpose.
    for (const tag of TAGS) expect(doc.info.description).toContain(`| \`${tag}\``);
    expect(doc.info.description).toContain('/playground');
  });

  it('resolves every $ref', () => {
    const refs = reachableRefs(doc, doc);
    expect(refs.size).toBeGreaterThan(100);
    for (const ref of refs) expect(() => resolveRef(doc, ref)).not.toThrow();
  });

  it('uses every component it defines', () => {
    const used = reachableRefs(doc, doc.paths);
    for (const [section, items] of Object.entries(doc.components)) {
      if (section === 'securitySchemes') continue;
      for (const name of Object.keys(items))
        expect([
          `#/components/${section}/${name}`,
          used.has(`#/components/${section}/${name}`),
        ]).toEqual([`#/components/${section}/${name}`, true]);
    }
    const schemes = new Set(
      operations(doc).flatMap(([, , op]) =>
        ((op as Operation).security ?? []).flatMap(Object.keys),
      ),
    );
    expect([...schemes].sort()).toEqual(Object.keys(doc.components.securitySchemes).sort());
  });

  it('gives every operation one known tag, a unique operationId, its security and answers', () => {
    const ids = new Set<string>();
    for (const [path, method, o] of operations(doc)) {
      const op = o as Operation;
      const where = `${method} ${path}`;
      expect([where, op.tags?.length, TAGS.includes(op.tags?.[0] ?? '')]).toEqual([where, 1, true]);
      expect([where, typeof op.operationId, ids.has(op.operationId!)]).toEqual([
        where,
        'string',
        false,
      ]);
      ids.add(op.operationId!);
      // No document-wide default: each operation says who may call it ([] is public).
      expect([where, Array.isArray(op.security)]).toEqual([where, true]);
      for (const requirement of op.security!)
        for (const scheme of Object.keys(requirement))
          expect([where, scheme in doc.components.securitySchemes]).toEqual([where, true]);
      expect([where, Object.keys(op.responses ?? {}).length > 0]).toEqual([where, true]);
    }
    expect((doc as unknown as { security?: unknown }).security).toBeUndefined();
    for (const tag of TAGS) expect([tag, pathsTagged(doc, [tag]).length > 0]).toEqual([tag, true]);
  });

  it('defines a required path parameter for each template variable of each path', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      const variables = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item)) {
        if (!HTTP_METHODS.includes(method)) continue;
        const params = [...(item.parameters ?? []), ...((op as Operation).parameters ?? [])].map(
          (p) => ('$ref' in p ? (resolveRef(doc, p.$ref) as Parameter) : p),
        );
        const inPath = params.filter((p) => p.in === 'path');
        expect([method, path, inPath.map((p) => p.name).sort()]).toEqual([
          method,
          path,
          [...variables].sort(),
        ]);
        for (const p of inPath) expect([path, p.name, p.required]).toEqual([path, p.name, true]);
      }
    }
  });

  it('has schemas that compile strictly and accept their examples', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
    ajv.addKeyword('example');
    ajv.addKeyword('components');
    ajv.addFormat('uri', { type: 'string', validate: (s: string) => URL.canParse(s) });
    const id = 'urn:token-lifecycle:openapi';
    ajv.addSchema({ components: { schemas: doc.components.schemas } }, id);
    for (const [name, s] of Object.entries(doc.components.schemas)) {
      const validate = ajv.getSchema(`${id}#/components/schemas/${name}`)!;
      expect([name, typeof validate]).toEqual([name, 'function']);
      if (s.example !== undefined) expect([name, validate(s.example)]).toEqual([name, true]);
    }
  });

  it('finds the schemas of a part through its operations', () => {
    expect(schemasOf(doc, ['issuance'])).toEqual(
      expect.arrayContaining(['TokenResponse', 'ServerMetadata']),
    );
    expect(schemasOf(doc, ['issuance'])).not.toContain('RevocationAnswer');
  });
});
