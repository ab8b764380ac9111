import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/**
 * The page's files, checked in as plain ES modules and CSS under libs/playground/assets: no
 * build step, no CDN, so a fresh clone serves them offline. Resolved from the working directory,
 * like config/dev.json, because the server's bundle lives elsewhere (dist/).
 */
export const ASSETS_DIR = resolve('libs/playground/assets');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Only flat names made of safe characters with a known extension: no path ever escapes. */
const ASSET_NAME = /^[a-z0-9-]+\.(html|js|css)$/;

export interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
}

export async function readAsset(name: string): Promise<Asset | undefined> {
  const match = ASSET_NAME.exec(name);
  if (!match) return undefined;
  try {
    const body = await readFile(resolve(ASSETS_DIR, name));
    return { body, contentType: TYPES[`.${match[1]}`]! };
  } catch {
    return undefined;
  }
}

/**
 * Strict CSP: scripts and styles only from files of this origin (no inline code at all), fetches
 * only to this origin, never framed (the page holds tokens), forms and base URI locked.
 */
export const PLAYGROUND_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
