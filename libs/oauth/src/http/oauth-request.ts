import { FormParams } from './form-body';

/** What an OAuth endpoint needs of an HTTP request. */
export interface OAuthRequest {
  readonly form: FormParams;
  readonly authorization?: string;
}
