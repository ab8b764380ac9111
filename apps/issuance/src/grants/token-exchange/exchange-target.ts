import { ClientConfig, ResourceConfig, TokenExchangePolicy } from '@app/config';
import { FormParams, InvalidScope, InvalidTarget, requestedResource } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import { resolveScope } from '../resource-and-scope';
import { PresentedToken } from './presented-token';

/** The resource an exchanged token is for, and its scopes. */
export interface ExchangeTarget {
  readonly resource: ResourceConfig;
  readonly scopes: readonly string[];
}

/**
 * RFC 8693 §2.1: `resource` (RFC 8707) or `audience` names where the token will be used; an
 * `audience` is the identifier of a registered resource here, and both, when given, must name
 * the same one. Absent, the subject token's own audience (an external issuer's token has none of
 * ours: the target is then required). The client's policy must list it
 * (`token_exchange.audiences`): `invalid_target` otherwise (§2.2.2).
 *
 * Scopes: at the subject token's own audience the new token may only narrow what the subject
 * token carried (absent: all of it); at another audience it may name only scopes that resource
 * defines and the exchanging client could get there itself (absent: all of those), so an
 * exchange never reaches further than either the subject or the client could. Every target of
 * an external issuer's token is "another audience": its scopes are not ours to narrow.
 */
export function exchangeTarget(
  registry: ClientRegistry,
  client: ClientConfig,
  policy: TokenExchangePolicy,
  subject: PresentedToken,
  form: FormParams,
): ExchangeTarget {
  const resource = targetResource(registry, policy, subject, form);
  const scopes =
    resource.identifier === subject.aud
      ? narrowed(subject.scopes, form)
      : resolveScope(client, resource, form);
  return { resource, scopes };
}

function targetResource(
  registry: ClientRegistry,
  policy: TokenExchangePolicy,
  subject: PresentedToken,
  form: FormParams,
): ResourceConfig {
  const byResource = requestedResource(form);
  const byAudience = form.get('audience');
  if (byResource !== undefined && byAudience !== undefined && byResource !== byAudience)
    throw new InvalidTarget('resource and audience name different targets: one token, one target');
  const requested = byResource ?? byAudience ?? subject.aud;
  if (requested === undefined)
    throw new InvalidTarget('resource or audience is required for this subject_token');
  const resource = registry.resource(requested);
  if (resource === undefined) throw new InvalidTarget('the target is not a known resource');
  if (!policy.audiences.includes(resource.identifier))
    throw new InvalidTarget('the client may not exchange tokens for this resource');
  return resource;
}

function narrowed(carried: readonly string[], form: FormParams): string[] {
  const requested = form.get('scope');
  if (requested === undefined) {
    if (carried.length === 0) throw new InvalidScope('the subject_token carries no scope');
    return [...carried];
  }
  const scopes = requested.split(' ');
  if (scopes.some((s) => s === '')) throw new InvalidScope('scope must be single-space delimited');
  // RFC 6749 §5.2: the description never repeats the requested value.
  if (scopes.some((s) => !carried.includes(s)))
    throw new InvalidScope('an exchange may only narrow the scope the subject_token carried');
  return [...new Set(scopes)];
}
