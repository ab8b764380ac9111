import type { AppConfig } from '@app/config';
import { MemoryProjectionMarker } from '../memory/memory-projection.marker';
import { ProjectionKeeper } from './projection.keeper';

const withoutKafka = {} as AppConfig;
const withKafka = { kafka: { brokers: ['kafka:9092'] } } as unknown as AppConfig;

const lose = (m: MemoryProjectionMarker) => {
  (m as unknown as { marked: boolean }).marked = false;
};

describe('ProjectionKeeper', () => {
  let marker: MemoryProjectionMarker;
  let sut: ProjectionKeeper | undefined;

  beforeEach(() => {
    jest.useFakeTimers();
    marker = new MemoryProjectionMarker();
  });
  afterEach(() => {
    sut?.onApplicationShutdown();
    jest.useRealTimers();
  });

  it('without a log, marks the store complete at start: there is nothing to replay', async () => {
    sut = new ProjectionKeeper(withoutKafka, marker);
    await sut.onApplicationBootstrap();
    await expect(marker.present()).resolves.toBe(true);
  });

  it('without a log, marks it again within a second after the store lost it', async () => {
    sut = new ProjectionKeeper(withoutKafka, marker);
    await sut.onApplicationBootstrap();
    lose(marker); // Redis restarted empty
    await jest.advanceTimersByTimeAsync(1000);
    await expect(marker.present()).resolves.toBe(true);
  });

  it('with a log, leaves the marker to the projector (written only after a replay)', async () => {
    sut = new ProjectionKeeper(withKafka, marker);
    await sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(5000);
    await expect(marker.present()).resolves.toBe(false);
  });
});
