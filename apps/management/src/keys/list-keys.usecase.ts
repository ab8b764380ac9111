import { Injectable } from '@nestjs/common';
import { KeyRingSync } from '@app/platform';
import { SigningKeyView, signingKeyView } from './signing-key.view';

/** `GET /admin/keys`: the schedule as of now, read from the store (this replica synced with it). */
@Injectable()
export class ListKeysUseCase {
  constructor(private readonly sync: KeyRingSync) {}

  async execute(): Promise<{ keys: SigningKeyView[] }> {
    const schedule = await this.sync.sync();
    return { keys: schedule.keys.map(signingKeyView) };
  }
}
