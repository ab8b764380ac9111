import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, isLoopbackIpLiteral } from '@app/config';
import { ClientRegistry } from '@app/registry';

/**
 * The CSP `form-action` sources of a login or consent page. Chromium applies `form-action` to
 * every redirect that follows a form submission, and a submission here ends, through the
 * authorization endpoint (and the consent page, when login is followed by consent), at the
 * client's redirect URI (with a code, or with an error after a cancel or a denial); a checked
 * Chromium stops the chain at the first hop it does not allow. So a page allows: itself, the
 * authorization endpoint's and the login and consent pages' origins, and the origins of the
 * redirect URIs the client registered. A client the registry does not know gets no `form-action` at all rather than a sign-in that the browser would stop half
 * way; the pages hold no markup of anyone else's, which is what `form-action` guards against.
 */
@Injectable()
export class FormActionSources {
  /** The authorization endpoint, and the login and consent pages, wherever each is served. */
  private readonly platform: readonly string[];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly registry: ClientRegistry,
  ) {
    const { loginUrl, consentUrl } = config.signIn;
    const origins = [config.endpoints.authorization, loginUrl, consentUrl].map(
      (u) => new URL(u).origin,
    );
    this.platform = [...new Set(origins)];
  }

  /** Undefined: leave `form-action` out (see above). */
  forClient(clientId: string): readonly string[] | undefined {
    // The registry as it is now: a client registered or changed at run time included.
    const client = this.registry.client(clientId);
    if (!client) return undefined;
    const sources = new Set(["'self'", ...this.platform]);
    for (const uri of client.redirectUris) sources.add(redirectSource(new URL(uri)));
    return [...sources];
  }
}

/**
 * CSP source of one registered redirect URI: its origin; any port of a loopback IP literal
 * (RFC 8252 §7.3: the port may vary); the scheme alone for a private-use scheme (RFC 8252 §7.1),
 * whose URLs have no origin.
 */
function redirectSource(url: URL): string {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return url.protocol;
  if (url.protocol === 'http:' && isLoopbackIpLiteral(url.hostname))
    return `http://${url.hostname}:*`;
  return url.origin;
}
