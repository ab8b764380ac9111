import type { ScheduledKey } from '@app/tokens';

/** A key as the admin API shows it: public facts only, instants in ms since the epoch. */
export interface SigningKeyView {
  readonly kid: string;
  readonly alg: string;
  /** `published` (in the JWKS, not signing yet), `active`, `retired`, `removed`. */
  readonly status: string;
  /** `file`: from KEYS_FILE (or generated at start); `runtime`: made by a rotation. */
  readonly source: 'file' | 'runtime';
  readonly created_at?: number;
  readonly activate_at?: number;
  readonly retire_at?: number;
  readonly remove_at?: number;
}

export function signingKeyView(k: ScheduledKey): SigningKeyView {
  return {
    kid: k.kid,
    alg: k.alg,
    status: k.status,
    source: k.source === 'seed' ? 'file' : 'runtime',
    ...(k.createdAt === undefined ? {} : { created_at: k.createdAt }),
    ...(k.activateAt === undefined ? {} : { activate_at: k.activateAt }),
    ...(k.retireAt === undefined ? {} : { retire_at: k.retireAt, remove_at: k.removeAt }),
  };
}
