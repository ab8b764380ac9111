import { StoreUnavailable } from '../store.ports';

/** Turns any Redis failure (refused, timed out, disconnected) into StoreUnavailable. */
export async function guarded<T>(command: Promise<T>): Promise<T> {
  try {
    return await command;
  } catch (e) {
    throw new StoreUnavailable(e);
  }
}
