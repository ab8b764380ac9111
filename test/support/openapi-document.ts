import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * docs/openapi.yaml, the one document of the HTTP surface, and the parts of it each pinning spec
 * checks: a part is the operations of some tags, and the component schemas they reach.
 */
export const OPENAPI_FILE = join(__dirname, '..', '..', 'docs', 'openapi.yaml');

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Tagged {
  readonly tags?: readonly string[];
}
interface Document {
  readonly paths: Record<string, Record<string, unknown>>;
  readonly components: Record<string, Record<string, unknown>>;
}

/** The document, parsed afresh (a spec may narrow it to the shape it reads). */
export function readOpenApi<T>(): T {
  return parse(readFileSync(OPENAPI_FILE, 'utf8')) as T;
}

/** `[path, method, operation]` of every operation of the document. */
export function operations(doc: Document): [string, string, Tagged][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]) => [path, method, op as Tagged] as [string, string, Tagged]),
  );
}

/** The paths with an operation tagged with one of `tags`, sorted. */
export function pathsTagged(doc: Document, tags: readonly string[]): string[] {
  const paths = operations(doc)
    .filter(([, , op]) => (op.tags ?? []).some((t) => tags.includes(t)))
    .map(([path]) => path);
  return [...new Set(paths)].sort();
}

/** Every `#/components/...` reference reachable from `node`, through the components it names. */
export function reachableRefs(doc: Document, node: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (n === null || typeof n !== 'object') return;
    for (const [key, value] of Object.entries(n)) {
      if (key === '$ref' && typeof value === 'string' && !found.has(value)) {
        found.add(value);
        visit(resolveRef(doc, value));
      } else visit(value);
    }
  };
  visit(node);
  return found;
}

/** The names of the component schemas the operations of `tags` reach. */
export function schemasOf(doc: Document, tags: readonly string[]): string[] {
  const items = pathsTagged(doc, tags).map((path) => doc.paths[path]);
  const prefix = '#/components/schemas/';
  return [...reachableRefs(doc, items)]
    .filter((ref) => ref.startsWith(prefix))
    .map((ref) => ref.slice(prefix.length))
    .sort();
}

/** The value a local reference (`#/a/b`, RFC 6901 escapes) points at; throws when none. */
export function resolveRef(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`not a local reference: ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => {
      const next = (node as Record<string, unknown> | undefined)?.[key];
      if (next === undefined) throw new Error(`unresolved reference: ${ref}`);
      return next;
    }, doc);
}

/** Nest's `:param` as OpenAPI's `{param}`. */
export const openApiPath = (path: string): string => path.replace(/:([a-z_]+)/g, '{$1}');

/**
 * A validator of each component schema, by name: strict ajv (JSON Schema 2020-12), with
 * OpenAPI's `example` keyword and the `uri` format. Only `components.schemas` is JSON Schema; it
 * is registered under the document's own layout so that `#/components/schemas/…` references
 * resolve. Throws for a name the document does not define.
 */
export function componentSchemas(
  schemas: Record<string, unknown>,
): (name: string) => ValidateFunction {
  const id = 'urn:token-lifecycle:openapi';
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  ajv.addKeyword('example');
  ajv.addKeyword('components');
  ajv.addFormat('uri', { type: 'string', validate: (s: string) => URL.canParse(s) });
  ajv.addSchema({ components: { schemas } }, id);
  return (name) => {
    const validate = ajv.getSchema(`${id}#/components/schemas/${name}`);
    if (!validate) throw new Error(`no schema ${name}`);
    return validate;
  };
}
