'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const {
  ManagedProcess,
  externalHandle,
  findCommand,
  isAlive,
  run,
  waitUntilReady,
  withTimeout,
} = require('./processes');

describe('processes', () => {
  let dir;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-processes-spec-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('withTimeout settles with the value, or rejects with a string after the delay', async () => {
    await expect(withTimeout(Promise.resolve(1), 1_000, 'late')).resolves.toBe(1);
    await expect(withTimeout(new Promise(() => {}), 10, 'late')).rejects.toThrow('late');
    await expect(withTimeout(new Promise(() => {}), 10, null)).resolves.toBeNull();
  });

  it('findCommand finds sh, and returns null or throws the hint for a missing one', () => {
    expect(path.isAbsolute(findCommand('sh', 'no sh'))).toBe(true);
    expect(findCommand('no-such-command-xyz', null)).toBeNull();
    expect(() => findCommand('no-such-command-xyz', 'install it')).toThrow('install it');
  });

  it('run resolves with the output, and rejects with the status and output on failure', async () => {
    await expect(run('sh', ['-c', 'echo hello'])).resolves.toContain('hello');
    await expect(run('sh', ['-c', 'echo boom >&2; exit 3'])).rejects.toThrow(
      /exit code 3[\s\S]*boom/,
    );
  });

  it('a managed process logs to its file, stops on SIGTERM and can start again', async () => {
    const logFile = path.join(dir, 'p.log');
    const say = jest.fn();
    const proc = new ManagedProcess({
      name: 'sleeper',
      command: 'sh',
      args: ['-c', 'echo started; exec sleep 30'],
      cwd: dir,
      logFile,
      say,
    });
    proc.start();
    const pid = proc.pid;
    await waitUntilReady(proc, 5_000, () => fs.readFileSync(logFile, 'utf8').includes('started'));
    expect(isAlive(pid)).toBe(true);
    await proc.stop(5_000);
    expect(proc.running).toBe(false);
    expect(isAlive(pid)).toBe(false);
    proc.start();
    expect(proc.pid).not.toBe(pid);
    await proc.stop(5_000);
    expect(say).not.toHaveBeenCalled(); // stops asked for are not "unexpected exits"
  });

  it('a stop keeps its parent alive until the process is gone, even one that ignores SIGTERM', async () => {
    // The children are unref'd so that they never keep their parent running by themselves; a
    // stop must hold the event loop until the exit it awaits, or the parent ends in the middle of
    // it with status 0 (what made `npm test` exit 0 after a failed spec when a broker was slow
    // to stop in the global teardown). Run in a parent of its own, whose only work is the stop.
    const script = `
      const { ManagedProcess } = require(${JSON.stringify(require.resolve('./processes'))});
      const proc = new ManagedProcess({
        name: 'stubborn', command: process.execPath, cwd: ${JSON.stringify(dir)},
        args: ['-e', "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000)"],
        logFile: ${JSON.stringify(path.join(dir, 'stubborn.log'))}, say: (m) => console.log(m),
      });
      proc.start();
      setTimeout(() => proc.stop(300).then(() => { console.log('stopped'); process.exitCode = 3; }), 500);
    `;
    const parent = require('child_process').spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(parent.stdout).toMatch(/ignored SIGTERM for 300 ms; killing\nstopped/);
    expect(parent.status).toBe(3);
  });

  it('waitUntilReady fails fast with the log tail when the process dies', async () => {
    const logFile = path.join(dir, 'dies.log');
    const proc = new ManagedProcess({
      name: 'dies',
      command: 'sh',
      args: ['-c', 'echo bad flag; exit 7'],
      cwd: dir,
      logFile,
      say: () => {},
    });
    proc.start();
    await expect(waitUntilReady(proc, 10_000, () => false)).rejects.toThrow(
      /dies exited during startup: exit code 7[\s\S]*bad flag/,
    );
  });

  it('an external handle stops as a no-op and refuses restarts', async () => {
    const handle = externalHandle({ url: 'redis://x' }, 'REDIS_URL', ['stopServer']);
    expect(handle.started).toBe(false);
    await expect(handle.stop()).resolves.toBeUndefined();
    await expect(handle.stopServer()).rejects.toThrow(/unset REDIS_URL/);
  });
});
