#!/usr/bin/env node
// `npm start`: builds the standalone server when its sources are newer than the bundle, then runs
// it in this process's place (same environment, signals passed on).
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const app = process.argv[2] || 'standalone';
const bundle = join(root, 'dist', 'apps', app, 'main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function needsBuild() {
  if (!existsSync(bundle)) return true;
  const sources = ['apps', 'libs'].map((d) => newestSource(join(root, d)));
  const manifests = ['package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json']
    .map((f) => join(root, f))
    .filter(existsSync)
    .map((f) => statSync(f).mtimeMs);
  return Math.max(...sources, ...manifests) > statSync(bundle).mtimeMs;
}

if (needsBuild()) {
  console.log(`Building ${app}…`);
  const nest = join(root, 'node_modules', '.bin', 'nest');
  if (!existsSync(nest)) {
    console.error('Dependencies are missing: run `npm ci` first.');
    process.exit(1);
  }
  const built = spawnSync(nest, ['build', app], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const child = spawn(process.execPath, [bundle], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
