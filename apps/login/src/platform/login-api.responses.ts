import type { ConsentRequestView, LoginRequestView, RedirectAnswer } from '@app/oauth';
import { LoginApiError } from './login-api.error';

/**
 * Checks the shapes of the API's answers before anything is shown or followed: a field of the
 * wrong type is an API fault (502), not something to render.
 */
type Json = Record<string, unknown>;

export function parseLoginRequest(body: unknown): LoginRequestView {
  const o = object(body);
  return {
    challenge: string(o.challenge),
    client: { client_id: string(object(o.client).client_id) },
    requested_scope: strings(o.requested_scope),
    requested_resource: strings(o.requested_resource),
    skip: boolean(o.skip),
    subject: optional(o.subject, string),
    session_id: optional(o.session_id, string),
    prompt: strings(o.prompt ?? []),
    max_age: optional(o.max_age, number),
    login_hint: optional(o.login_hint, string),
    ui_locales: strings(o.ui_locales ?? []),
    acr_values: strings(o.acr_values ?? []),
  };
}

export function parseConsentRequest(body: unknown): ConsentRequestView {
  const o = object(body);
  return {
    challenge: string(o.challenge),
    client: { client_id: string(object(o.client).client_id) },
    requested_scope: strings(o.requested_scope),
    requested_resource: strings(o.requested_resource),
    skip: boolean(o.skip),
    subject: string(o.subject),
    session_id: optional(o.session_id, string),
    auth_time: number(o.auth_time),
    acr: optional(o.acr, string),
    amr: strings(o.amr ?? []),
    prompt: strings(o.prompt ?? []),
    ui_locales: strings(o.ui_locales ?? []),
  };
}

export function parseRedirect(body: unknown): RedirectAnswer {
  return { redirect_to: string(object(body).redirect_to) };
}

const malformed = () => new LoginApiError(502, 'malformed answer');

function object(v: unknown): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw malformed();
  return v as Json;
}

function string(v: unknown): string {
  if (typeof v !== 'string') throw malformed();
  return v;
}

function number(v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw malformed();
  return v;
}

function boolean(v: unknown): boolean {
  if (typeof v !== 'boolean') throw malformed();
  return v;
}

function strings(v: unknown): string[] {
  if (!Array.isArray(v)) throw malformed();
  return v.map(string);
}

/** Absent and `null` both mean "not given". */
function optional<T>(v: unknown, read: (v: unknown) => T): T | undefined {
  return v === undefined || v === null ? undefined : read(v);
}
