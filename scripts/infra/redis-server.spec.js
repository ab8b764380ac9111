'use strict';
const { REDIS_HINT, redisAnswers } = require('./redis-server');
const { pickFreePorts } = require('./ports');

describe('redis-server', () => {
  it('a port nobody listens on does not answer PING', async () => {
    const [port] = await pickFreePorts(1);
    await expect(redisAnswers(`redis://127.0.0.1:${port}`)).rejects.toThrow();
  });

  it('the hint names the Debian package and REDIS_URL', () => {
    expect(REDIS_HINT).toMatch(/apt-get install -y redis-server/);
    expect(REDIS_HINT).toMatch(/REDIS_URL/);
  });
});
