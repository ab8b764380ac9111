import type { FastifyReply } from 'fastify';

/**
 * What an endpoint may do to its answer besides returning a body (DESIGN "The request seam").
 * Headers it sets are sent with a success and with an error alike: RFC 9449 §8 sends a fresh
 * DPoP-Nonce with the `use_dpop_nonce` error too.
 */
export interface OAuthResponse {
  header(name: string, value: string): this;
  /**
   * Answers with a redirect instead of a body: 303 See Other by default, so that a browser
   * follows a POST with a GET (RFC 9110 §15.4.4); 302 where a protocol names it.
   */
  redirect(location: string, status?: 302 | 303): void;
}

/** The OAuthResponse of one Fastify reply: headers go straight onto it. */
export class EndpointResponse implements OAuthResponse {
  private location?: string;
  private redirectStatus = 303;

  constructor(private readonly reply: FastifyReply) {}

  header(name: string, value: string): this {
    this.reply.header(name, value);
    return this;
  }

  redirect(location: string, status: 302 | 303 = 303): void {
    this.location = location;
    this.redirectStatus = status;
  }

  /**
   * Sends the endpoint's result: 200 with its JSON body (or none), or the redirect it asked for.
   * RFC 6749 §5.1: answers carrying tokens or token state must not be cached; a redirect of
   * the front channel may carry a code, so it is not cached either.
   */
  send(body: unknown): void {
    this.reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    if (this.location === undefined) this.reply.send(body);
    else this.reply.code(this.redirectStatus).header('location', this.location).send();
  }
}
