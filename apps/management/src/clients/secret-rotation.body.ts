import { fieldsOf, InvalidRequest } from '@app/oauth';
import { MAX_SECRET_OVERLAP_SECONDS } from '@app/registry';

/**
 * `POST /admin/clients/{client_id}/secret`: `{"overlap_seconds": n}`, how long the current
 * secret stays valid beside the new one (0 or absent: it stops at once).
 */
export function secretRotationBody(body: unknown): { overlapSeconds: number } {
  const o = fieldsOf(body ?? {}, 'the body', ['overlap_seconds']);
  const v = o.overlap_seconds ?? 0;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > MAX_SECRET_OVERLAP_SECONDS)
    throw new InvalidRequest(
      `overlap_seconds must be a whole number of seconds from 0 to ${MAX_SECRET_OVERLAP_SECONDS}`,
    );
  return { overlapSeconds: v };
}
