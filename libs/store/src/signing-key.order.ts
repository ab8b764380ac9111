import type { StoredSigningKey } from './signing-key.port';

/** Keys by activation instant, then `kid`: the order every replica schedules them in. */
export const byActivation = (a: StoredSigningKey, b: StoredSigningKey): number =>
  a.activateAt - b.activateAt || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0);
