import { ProjectionMarker } from '../store.ports';

export class MemoryProjectionMarker implements ProjectionMarker {
  private marked = false;

  async present(): Promise<boolean> {
    return this.marked;
  }

  async mark(): Promise<void> {
    this.marked = true;
  }
}
