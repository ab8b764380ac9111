import { isPlainObject, InvalidClientMetadata, InvalidSoftwareStatement } from '@app/oauth';
import {
  CODE_RESPONSE_TYPE,
  PRIVILEGED_FIELDS,
  REGISTRABLE_FIELDS,
  REGISTRABLE_GRANT_TYPES,
} from './client-metadata.fields';

/** A client in CONFIG_FILE's JSON shape, as the registry validates and stores it. */
export type ClientDocument = Readonly<Record<string, unknown>>;

/**
 * Reads RFC 7591 client metadata into the registry's client document (without its id and
 * secret, which the server assigns). Metadata this server does not understand is ignored
 * (RFC 7591 §2); what it understands but cannot grant is refused with `invalid_client_metadata`
 * (§3.2.2), naming the field, never echoing its value. Values are the registry's to validate.
 */
export function clientDocumentFrom(body: unknown): ClientDocument {
  if (!isPlainObject(body))
    throw new InvalidClientMetadata('the client metadata must be a JSON object');
  // RFC 7591 §2.3: software statements are signed by a party this server would have to trust.
  if (body.software_statement !== undefined && body.software_statement !== null)
    throw new InvalidSoftwareStatement('software statements are not accepted by this server');
  const privileged = PRIVILEGED_FIELDS.find((f) => body[f] !== undefined && body[f] !== null);
  if (privileged !== undefined)
    throw new InvalidClientMetadata(
      `${privileged} may be set only by an administrator (the admin API), not by registration`,
    );
  const secretField = ['client_secret', 'client_secret_hash'].find((f) => body[f] !== undefined);
  if (secretField !== undefined)
    throw new InvalidClientMetadata(
      `${secretField} is issued by the server (RFC 7591 §3.2.1), not chosen by the client`,
    );
  const doc: Record<string, unknown> = {};
  // RFC 7592 §2.2: omitted (or null) fields take their defaults, never the previous value.
  for (const field of REGISTRABLE_FIELDS)
    if (body[field] !== undefined && body[field] !== null) doc[field] = body[field];
  doc.grant_types = grantTypes(doc.grant_types);
  checkResponseTypes(body.response_types, doc.grant_types as readonly string[]);
  return doc;
}

/** RFC 7591 §2: omitted means `["authorization_code"]`. */
function grantTypes(v: unknown): string[] {
  if (v === undefined) return ['authorization_code'];
  if (!Array.isArray(v) || !v.every((g): g is string => typeof g === 'string'))
    throw new InvalidClientMetadata('grant_types must be an array of strings');
  if (new Set(v).size !== v.length)
    throw new InvalidClientMetadata('grant_types must not repeat a grant type');
  const unsupported = v.find((g) => !(REGISTRABLE_GRANT_TYPES as readonly string[]).includes(g));
  if (unsupported !== undefined)
    throw new InvalidClientMetadata(
      `grant_types may hold only ${REGISTRABLE_GRANT_TYPES.join(', ')} for a registered client`,
    );
  return v;
}

/**
 * RFC 7591 §2.1: `response_types` and `grant_types` must agree: `code` exactly when the client
 * uses the authorization_code grant (omitted: derived from grant_types). No other response type
 * is served (RFC 9700 §2.1.2), so it is not stored: it is derived again when read.
 */
function checkResponseTypes(v: unknown, grants: readonly string[]): void {
  if (v === undefined || v === null) return;
  if (!Array.isArray(v) || !v.every((t) => typeof t === 'string'))
    throw new InvalidClientMetadata('response_types must be an array of strings');
  if (v.some((t) => t !== CODE_RESPONSE_TYPE))
    throw new InvalidClientMetadata('response_types may hold only code (RFC 9700 §2.1.2)');
  const code = grants.includes('authorization_code');
  if (code !== v.includes(CODE_RESPONSE_TYPE))
    throw new InvalidClientMetadata(
      'response_types must hold code exactly when grant_types holds authorization_code ' +
        '(RFC 7591 §2.1)',
    );
}
