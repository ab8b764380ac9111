// Which log format each way of running the services writes (README "Logs"). A service process
// writes JSON lines unless LOG_FORMAT says otherwise (libs/config log.config.ts); `npm start` is
// read by a newcomer at a terminal, so it asks for pretty lines unless LOG_FORMAT is set.

/** The environment `npm start` runs the standalone service with. */
function startEnv(env) {
  return { ...env, LOG_FORMAT: env.LOG_FORMAT || 'pretty' };
}

/**
 * One line of `npm run dev:cluster`'s combined log: a JSON line passes unchanged (it names its
 * `service`, and the combined log stays JSON lines a pipeline can read); any other line, a
 * pretty one or a crash on stderr, is prefixed with the service's name.
 */
function clusterLine(name, line) {
  return line.startsWith('{') ? line : `${name.padEnd(13)}| ${line}`;
}

module.exports = { startEnv, clusterLine };
