import { SIGNING_ALGS, SigningAlg } from '@app/config';
import { fieldsOf, InvalidRequest, optionalString } from '@app/oauth';

const ALG_SYNTAX = new RegExp(`^(${SIGNING_ALGS.join('|')})$`);

/**
 * `POST /admin/keys/rotate`: `{}` rotates every algorithm the issuer signs with, `{"alg"}` that
 * one only. An algorithm the issuer holds no key for is refused: a key of it would sign nothing
 * (the metadata's algorithms and every resource's `signing_alg` are fixed by the configuration).
 */
export function rotationAlgs(body: unknown, inUse: readonly SigningAlg[]): SigningAlg[] {
  const o = fieldsOf(body, 'the body', ['alg']);
  const alg = optionalString(o, 'alg', ALG_SYNTAX, `must be one of ${SIGNING_ALGS.join(', ')}`);
  if (alg === undefined) return [...inUse];
  if (!inUse.includes(alg as SigningAlg))
    throw new InvalidRequest(
      `alg ${alg} has no signing key to rotate: the issuer signs with ${inUse.join(', ')}`,
    );
  return [alg as SigningAlg];
}
