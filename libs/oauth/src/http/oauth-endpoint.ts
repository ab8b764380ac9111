import { Injectable, SetMetadata } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FormParams } from './form-body';
import { sendOAuthFailure } from './oauth-exception.filter';
import { OAuthRequest } from './oauth-request';
import { EndpointResponse, OAuthResponse } from './oauth-response';
import { RequestContext } from './request-context';

const OAUTH_ENDPOINT = Symbol('OAuthEndpoint');

/**
 * What a controller method marked with @OAuthEndpoint is: request in, JSON body (or none) out;
 * the response lets it add headers or answer with a redirect instead.
 */
type EndpointMethod = (req: OAuthRequest, res: OAuthResponse) => Promise<unknown>;

/**
 * Marks a controller method as an OAuth endpoint at `POST /<controller path>/<path>`: its form
 * body is parsed strictly into an OAuthRequest (a RequestContext: headers, cookies, query and
 * address are there on demand), it answers 200 with `Cache-Control: no-store` (or the redirect
 * it asked for), and every failure is an RFC 6749 §5.2 error (as the global
 * OAuthExceptionFilter renders it).
 *
 * These are the hot endpoints, and they need none of Nest's per-request machinery (guards,
 * pipes, interceptors): OAuthRouter mounts them straight on Fastify, which saves Nest's
 * per-request pipeline (about 45 µs a request, measured when the route was a Nest @Post).
 */
export const OAuthEndpoint = (path: string): MethodDecorator => SetMetadata(OAUTH_ENDPOINT, path);

export interface MountedEndpoint {
  readonly path: string;
  readonly handle: EndpointMethod;
}

/** Finds the @OAuthEndpoint methods of the application's controllers and mounts them. */
@Injectable()
export class OAuthRouter {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  endpoints(): MountedEndpoint[] {
    return this.discovery.getControllers().flatMap(({ instance, metatype }) => {
      if (!instance || !metatype) return [];
      const prefix = (Reflect.getMetadata(PATH_METADATA, metatype) as string | undefined) ?? '';
      const methods = instance as Record<string, EndpointMethod>;
      return this.scanner.getAllMethodNames(Object.getPrototypeOf(instance)).flatMap((name) => {
        const path = Reflect.getMetadata(OAUTH_ENDPOINT, methods[name]!) as string | undefined;
        if (path === undefined) return [];
        return [{ path: joinPath(prefix, path), handle: methods[name]!.bind(instance) }];
      });
    });
  }

  /**
   * Registers each endpoint as a Fastify route. Call it after the Nest application is
   * initialised: a Fastify route keeps the error handler in place when it is registered, and
   * Nest's (which renders body-limit and parser errors through the global filter) comes with init.
   */
  mount(fastify: FastifyInstance): MountedEndpoint[] {
    const endpoints = this.endpoints();
    for (const endpoint of endpoints)
      fastify.post(endpoint.path, (req, reply) => answer(endpoint.handle, req, reply));
    return endpoints;
  }
}

function answer(handle: EndpointMethod, req: FastifyRequest, reply: FastifyReply): void {
  const res = new EndpointResponse(reply);
  let result: Promise<unknown>;
  try {
    const form = FormParams.parse(req.headers['content-type'], req.body);
    result = handle(new RequestContext(req, form), res);
  } catch (e) {
    sendOAuthFailure(reply, e);
    return;
  }
  result.then(
    (body) => res.send(body),
    (e: unknown) => sendOAuthFailure(reply, e),
  );
}

function joinPath(prefix: string, path: string): string {
  const parts = [prefix, path].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean);
  return `/${parts.join('/')}`;
}
