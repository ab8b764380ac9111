import { deepFreeze } from '@app/config';

/**
 * The in-memory stores' own copy of a record, taken when it is saved: a JSON round trip, as Redis
 * would keep it (no caller's object shared, `undefined` fields gone), frozen so that handing it
 * out on every read needs no copy. The records' types are readonly throughout; the freeze makes
 * that hold at run time too.
 */
export function storedCopy<T>(record: T): T {
  return deepFreeze(JSON.parse(JSON.stringify(record)) as T);
}
