import { ClientConfig } from '@app/config';
import { FormParams } from '@app/oauth';

/** The RFC 6749 §5.1 success body. */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly scope: string;
  readonly refresh_token?: string;
}

/** One grant type: adding a grant is one file implementing this and one line in GRANT_HANDLERS. */
export interface GrantHandler {
  readonly grantType: string;
  handle(client: ClientConfig, form: FormParams): Promise<TokenResponse>;
}

export const GRANT_HANDLERS = Symbol('GrantHandlers');
