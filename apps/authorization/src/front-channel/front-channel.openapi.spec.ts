import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import {
  operations,
  pathsTagged,
  readOpenApi,
  reachableRefs,
} from '../../../../test/support/openapi-document';
import { AuthorizeController } from '../authorize/authorize.controller';
import { PARAMETER_LIMITS } from '../authorize/checks/parameter';
import { LogoutController } from '../logout/logout.controller';
import { ParController } from '../par/par.controller';

interface Parameter {
  readonly name: string;
  readonly schema: {
    readonly maxLength?: number;
    readonly items?: { readonly maxLength?: number };
  };
}

interface Operation {
  readonly tags?: readonly string[];
  readonly parameters?: { $ref: string }[];
}
interface Doc {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: Record<string, Record<string, unknown>> & {
    readonly parameters: Record<string, Parameter>;
  };
}

const doc = readOpenApi<Doc>();
const FRONT_CHANNEL = ['authorization'];
/** The front channel's part of docs/openapi.yaml: the operations tagged `authorization`. */
const part = operations(doc).filter(([, , op]) => op.tags?.includes('authorization'));

/** `get /oauth2/authorize`, … for every route of the front channel's controllers. */
function routes(): string[] {
  return [AuthorizeController, ParController, LogoutController].flatMap((controller) => {
    const prefix = Reflect.getMetadata(PATH_METADATA, controller) as string;
    const proto = controller.prototype as unknown as Record<string, unknown>;
    return Object.getOwnPropertyNames(proto)
      .filter((name) => name !== 'constructor')
      .map((name) => {
        const handler = proto[name] as object;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]!;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string;
        return `${method.toLowerCase()} /${prefix}/${path}`;
      });
  });
}

describe('docs/openapi.yaml: the front channel', () => {
  it('is OpenAPI 3.1 with exactly the routes of the front channel', () => {
    expect(doc.openapi).toBe('3.1.0');
    const documented = part.map(([path, method]) => `${method} ${path}`);
    expect(documented.sort()).toEqual(routes().sort());
    // Every operation on those paths is the front channel's: no other tag shares them.
    for (const path of pathsTagged(doc, FRONT_CHANNEL))
      for (const op of Object.values(doc.paths[path]!))
        expect([path, op.tags]).toEqual([path, FRONT_CHANNEL]);
  });

  it('gives each query parameter the bound the code enforces', () => {
    const prefix = '#/components/parameters/';
    const refs = [
      ...reachableRefs(
        doc,
        part.map(([, , op]) => op),
      ),
    ].filter((r) => r.startsWith(prefix));
    expect(refs.length).toBeGreaterThan(0);
    for (const p of refs.map((r) => doc.components.parameters[r.slice(prefix.length)]!)) {
      const limit = PARAMETER_LIMITS[p.name as keyof typeof PARAMETER_LIMITS];
      expect({ name: p.name, known: limit !== undefined }).toEqual({ name: p.name, known: true });
      const documented = p.schema.maxLength ?? p.schema.items?.maxLength;
      if (documented !== undefined)
        expect({ name: p.name, max: documented }).toEqual({ name: p.name, max: limit });
    }
  });

  it('documents every parameter the authorization endpoint reads', () => {
    const refs = doc.paths['/oauth2/authorize']!.get!.parameters!.map(
      (r) => doc.components.parameters[r.$ref.split('/').pop()!]!.name,
    );
    const logoutOnly = ['id_token_hint', 'post_logout_redirect_uri'];
    expect(refs.sort()).toEqual(
      Object.keys(PARAMETER_LIMITS)
        .filter((n) => !logoutOnly.includes(n))
        .sort(),
    );
  });
});
