import { EventEmitter } from 'node:events';
import { onFatalCrash, stopRestartsOnceClosed } from './consumer-crash';

/** A consumer as kafkajs shows it to its owner: CRASH events, and disconnect. */
function fakeConsumer() {
  const emitter = new EventEmitter();
  const consumer = {
    events: { CRASH: 'consumer.crash' },
    on: (event: string, listener: (e: { payload: { error: unknown; restart: boolean } }) => void) =>
      emitter.on(event, listener),
    disconnect: jest.fn(() => Promise.resolve()),
    crash: (restart: boolean) =>
      emitter.emit('consumer.crash', { payload: { error: new Error('lost'), restart } }),
  };
  return consumer;
}
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('stopRestartsOnceClosed', () => {
  it('disconnects, on the next turn, a consumer kafkajs restarts after its owner closed', async () => {
    const consumer = fakeConsumer();
    stopRestartsOnceClosed(consumer, () => true);
    consumer.crash(true);
    // kafkajs sets its restart timer after the event: the disconnect must come after it.
    expect(consumer.disconnect).not.toHaveBeenCalled();
    await nextTurn();
    expect(consumer.disconnect).toHaveBeenCalledTimes(1);
  });

  it('leaves a restart alone while the owner is open, and a crash kafkajs does not restart', async () => {
    let closed = false;
    const consumer = fakeConsumer();
    stopRestartsOnceClosed(consumer, () => closed);
    consumer.crash(true);
    closed = true;
    consumer.crash(false);
    await nextTurn();
    expect(consumer.disconnect).not.toHaveBeenCalled();
  });

  it('swallows a failing disconnect: the owner is gone', async () => {
    const consumer = fakeConsumer();
    consumer.disconnect.mockImplementation(() => Promise.reject(new Error('already gone')));
    stopRestartsOnceClosed(consumer, () => true);
    consumer.crash(true);
    await nextTurn();
    await nextTurn();
    expect(consumer.disconnect).toHaveBeenCalledTimes(1);
  });
});

describe('onFatalCrash', () => {
  it('calls back for a crash kafkajs will not restart, and only for that', () => {
    const consumer = fakeConsumer();
    const then = jest.fn();
    onFatalCrash(consumer, then);
    consumer.crash(true);
    expect(then).not.toHaveBeenCalled();
    consumer.crash(false);
    expect(then).toHaveBeenCalledWith(expect.objectContaining({ message: 'lost' }));
  });
});
