import { ConsentRequestView, LoginRequestView } from '@app/oauth';
import { InteractionChallenge } from '@app/store';

/** `GET …/login`: what the login app may show and decide on (Ory Hydra's login request). */
export function loginView(id: string, c: InteractionChallenge): LoginRequestView {
  return {
    challenge: id,
    client: { client_id: c.clientId },
    requested_scope: c.scopes,
    requested_resource: c.resources,
    skip: c.skip,
    // Only a skippable login names who is signed in: the app must not learn a session's
    // subject when it is about to ask someone to log in (prompt=login, max_age passed).
    ...(c.skip && c.subject !== undefined ? { subject: c.subject } : {}),
    ...(c.sid === undefined ? {} : { session_id: c.sid }),
    prompt: c.prompt,
    ...(c.maxAge === undefined ? {} : { max_age: c.maxAge }),
    ...(c.loginHint === undefined ? {} : { login_hint: c.loginHint }),
    ui_locales: c.uiLocales,
    acr_values: c.acrValues,
  };
}

/** `GET …/consent`: who is asked to grant what to which client (Ory Hydra's consent request). */
export function consentView(id: string, c: InteractionChallenge): ConsentRequestView {
  // The authorization endpoint creates a consent challenge only after a login: both are set.
  if (c.subject === undefined || c.authTime === undefined)
    throw new Error('a consent challenge without the subject and time of its login');
  return {
    challenge: id,
    client: { client_id: c.clientId },
    requested_scope: c.scopes,
    requested_resource: c.resources,
    skip: c.skip,
    subject: c.subject,
    ...(c.sid === undefined ? {} : { session_id: c.sid }),
    auth_time: c.authTime,
    ...(c.acr === undefined ? {} : { acr: c.acr }),
    amr: c.amr ?? [],
    prompt: c.prompt,
    ui_locales: c.uiLocales,
  };
}
