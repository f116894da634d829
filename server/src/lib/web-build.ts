import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './paths.ts';

export const WEB_DIR = path.join(PROJECT_ROOT, 'web');
export const WEB_DIST = path.join(WEB_DIR, 'dist');

function newestChange(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** The web app's pages: the app, and the embeddable map where there is one. */
const PAGES = ['index.html', 'embed.html'];

/** Whether the built web app is missing or older than its sources (web/ or shared/, its pages, its build config). */
export function webBuildIsStale(): boolean {
  const pages = PAGES.filter((page) => existsSync(path.join(WEB_DIR, page)));
  const built = pages.map((page) => path.join(WEB_DIST, page));
  if (built.some((file) => !existsSync(file))) return true;
  const sources = Math.max(
    newestChange(path.join(WEB_DIR, 'src')),
    newestChange(path.join(PROJECT_ROOT, 'shared', 'src')),
    ...pages.map((page) => statSync(path.join(WEB_DIR, page)).mtimeMs),
    statSync(path.join(WEB_DIR, 'vite.config.ts')).mtimeMs,
  );
  return sources > Math.min(...built.map((file) => statSync(file).mtimeMs));
}

/**
 * `npm start` builds the web app when it is missing or out of date, so that the two commands
 * of the README are all a new user needs. A deployment builds it once in its image instead.
 */
export function buildWebIfNeeded(log: { info(obj: object, msg: string): void }): void {
  if (!existsSync(path.join(WEB_DIR, 'src')) || !webBuildIsStale()) return;
  log.info({}, 'building the web app (vite build)');
  // NODE_ENV=production whatever the caller's (vitest sets "test"): with any other value Vite
  // bundles React's development build, a third larger and slower.
  const result = spawnSync('npm', ['run', 'build', '-w', 'web'], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error('building the web app failed: see the output of `npm run build` above');
}
