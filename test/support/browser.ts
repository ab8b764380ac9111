import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';

/**
 * Headless Chromium for the browser specs: Debian's `chromium` package (which `.ci/run`
 * installs when it is absent) driven by playwright-core. Nothing here downloads a browser.
 */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export type ChromiumLookup =
  | { readonly found: true; readonly executablePath: string }
  | { readonly found: false; readonly reason: string };

/** CHROMIUM_PATH when set (it must exist), else the first Debian path that exists. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const configured = env.CHROMIUM_PATH;
  if (configured) {
    return existsSync(configured)
      ? { found: true, executablePath: configured }
      : { found: false, reason: `CHROMIUM_PATH=${configured} does not exist` };
  }
  const executablePath = CANDIDATES.find((p) => existsSync(p));
  return executablePath
    ? { found: true, executablePath }
    : {
        found: false,
        reason: `no Chromium at ${CANDIDATES.join(' or ')} and CHROMIUM_PATH is unset (apt-get install chromium)`,
      };
}

/**
 * `describe`, or `describe.skip` with the reason printed when no Chromium exists: a skipped
 * browser spec always says why, never silently.
 */
export function describeWithChromium(name: string, body: (executablePath: string) => void): void {
  const lookup = findChromium();
  if (!lookup.found) {
    console.warn(`SKIPPED "${name}": ${lookup.reason}`);
    describe.skip(`${name} (skipped: ${lookup.reason})`, () => {
      it('needs Chromium', () => undefined);
    });
    return;
  }
  describe(name, () => body(lookup.executablePath));
}

/**
 * Launches it headless. `--no-sandbox`: tests and CI run as root, where Chromium's sandbox
 * refuses to start; the pages it loads are the test's own servers on 127.0.0.1.
 */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}
