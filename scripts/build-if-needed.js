// Builds an app's bundle (dist/apps/<app>/main.js, or where nest-cli.json puts it) when a source
// is newer than the bundle.
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync, readdirSync, statSync, utimesSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const MANIFESTS = ['package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'];

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const projects = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8')).projects;

/** Where `nest build <app>` writes the bundle: dist/<project root>/<entry file>.js. */
function bundleOf(app) {
  const project = projects[app];
  if (!project || project.type !== 'application') throw new Error(`no application ${app}`);
  return join(root, 'dist', project.root, `${project.entryFile}.js`);
}

function needsBuild(app) {
  const bundle = bundleOf(app);
  if (!existsSync(bundle)) return true;
  const dirs = new Set(['apps', 'libs', projects[app].sourceRoot]);
  const sources = [...dirs].map((d) => newestSource(join(root, d)));
  const manifests = MANIFESTS.map((f) => join(root, f))
    .filter(existsSync)
    .map((f) => statSync(f).mtimeMs);
  return Math.max(...sources, ...manifests) > statSync(bundle).mtimeMs;
}

/** Returns the bundle's path, building it first when needed; exits on a failed build. */
function ensureBuilt(app) {
  if (needsBuild(app)) {
    console.log(`Building ${app}…`);
    const nest = join(root, 'node_modules', '.bin', 'nest');
    if (!existsSync(nest)) {
      console.error('Dependencies are missing: run `npm ci` first.');
      process.exit(1);
    }
    const built = spawnSync(nest, ['build', app], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) process.exit(built.status ?? 1);
    // webpack leaves a bundle whose content did not change as it was (compareBeforeEmit), so a
    // source touched without a change would otherwise be newer than the bundle for ever.
    const now = new Date();
    utimesSync(bundleOf(app), now, now);
  }
  return bundleOf(app);
}

module.exports = { ensureBuilt, root };
