'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { CACHE_DIR, STATE_FILE, TMP_PREFIX, makeTempDir, removeDir } = require('./state');

describe('state', () => {
  it('temp dirs carry the prefix and their owner pid, and are removed', () => {
    const dir = makeTempDir('spec');
    expect(path.dirname(dir)).toBe(os.tmpdir());
    expect(path.basename(dir).startsWith(`${TMP_PREFIX}spec-`)).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'owner.pid'), 'utf8').trim()).toBe(String(process.pid));
    removeDir(dir);
    expect(fs.existsSync(dir)).toBe(false);
    expect(() => removeDir(dir)).not.toThrow();
  });

  it('sweeps a temp dir whose owner is gone, and keeps a live owner’s', () => {
    // A pid far above pid_max belongs to no process.
    const orphan = fs.mkdtempSync(path.join(os.tmpdir(), `${TMP_PREFIX}orphan-`));
    fs.writeFileSync(path.join(orphan, 'owner.pid'), '99999999\n');
    jest.isolateModules(() => {
      const fresh = require('./state');
      const mine = fresh.makeTempDir('spec');
      expect(fs.existsSync(orphan)).toBe(false);
      expect(fs.existsSync(mine)).toBe(true);
      fresh.removeDir(mine);
    });
  });

  it('the state file lives in the user cache', () => {
    expect(path.dirname(STATE_FILE)).toBe(CACHE_DIR);
  });
});
