import { FormParams } from '@app/oauth';
import { bounded } from './parameter';

export interface StateAndNonce {
  readonly state?: string;
  readonly nonce?: string;
}

/**
 * RFC 6749 §4.1.1 `state` is echoed to the client unchanged; OIDC Core §3.1.2.1 `nonce` goes
 * into the ID token unchanged. Both are opaque to us: only their size is bounded.
 */
export function checkStateAndNonce(params: FormParams): StateAndNonce {
  const state = bounded(params, 'state');
  const nonce = bounded(params, 'nonce');
  return {
    ...{},
    ...(state === undefined ? {} : { state }),
    ...(nonce === undefined ? {} : { nonce }),
  };
}

/** The state an error is sent back with: none when the state itself is what is wrong. */
export function errorState(params: FormParams): string | undefined {
  try {
    return bounded(params, 'state');
  } catch {
    return undefined;
  }
}
