import { ServiceProcess } from '../support/service-process';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { clusterLine, startEnv } = require('../../scripts/log-format') as {
  clusterLine: (name: string, line: string) => string;
  startEnv: (env: Record<string, string | undefined>) => Record<string, string | undefined>;
};

/** A service process's output lines once it is up, then stopped (without the harness's notes). */
async function linesOf(env: Record<string, string>): Promise<string[]> {
  const sut = await ServiceProcess.start({ service: 'standalone', env, liveTimeoutMs: 120_000 });
  await sut.stop();
  return sut
    .output()
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('----- ') && !l.startsWith('[test '));
}

/**
 * Issue 15 "Logs": JSON lines by default from every service process, readable lines from
 * `npm start`, and LOG_FORMAT overriding either.
 */
describe('log format', () => {
  it('is JSON lines by default for a service process, with service and version', async () => {
    const lines = await linesOf({});
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines)
      expect(JSON.parse(line)).toMatchObject({
        service: 'standalone',
        version: expect.any(String),
      });
    expect(lines.map((l) => JSON.parse(l).msg).join('\n')).toContain('listening on');
  }, 150_000);

  it('is readable lines with LOG_FORMAT=pretty', async () => {
    const lines = await linesOf({ LOG_FORMAT: 'pretty' });
    const listening = lines.find((l) => l.includes('listening on'));
    expect(listening).toMatch(/INFO.*\[standalone\] listening on/);
    expect(() => JSON.parse(listening!)).toThrow();
  }, 150_000);

  it('`npm start` asks for pretty lines unless LOG_FORMAT is set; dev:cluster keeps JSON lines', () => {
    expect(startEnv({ PORT: '3000' })).toEqual({ PORT: '3000', LOG_FORMAT: 'pretty' });
    expect(startEnv({ LOG_FORMAT: 'json' }).LOG_FORMAT).toBe('json');
    const json = '{"level":"info","service":"issuance","msg":"listening"}';
    expect(clusterLine('issuance', json)).toBe(json);
    expect(clusterLine('issuance', '12:00:00 INFO: up')).toBe('issuance     | 12:00:00 INFO: up');
  });
});
