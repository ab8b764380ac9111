#!/usr/bin/env node
// `npm start`: builds the standalone server when its sources are newer than the bundle, then runs
// it in this process's place (same environment, signals passed on).
const { spawn } = require('node:child_process');
const { ensureBuilt, root } = require('./build-if-needed');
const { startEnv } = require('./log-format');

const bundle = ensureBuilt(process.argv[2] || 'standalone');
// A newcomer reads these lines at a terminal: pretty ones unless LOG_FORMAT says otherwise.
const env = startEnv(process.env);
const child = spawn(process.execPath, [bundle], { cwd: root, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
