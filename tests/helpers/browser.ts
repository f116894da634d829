import { existsSync } from 'node:fs';

/** Debian's Chromium, driven by playwright-core; never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Software WebGL (SwiftShader) and no background traffic: see ../shared/STACK-NOTES.md. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

/**
 * Without Chromium (a fresh machine before `apt-get install chromium`), `npm test` still runs
 * everything else and says why these did not run. CI installs Chromium, and there a missing
 * browser is a failure, never a skip.
 */
export function chromiumInstalled(): boolean {
  const installed = existsSync(CHROMIUM);
  if (!installed) {
    if (process.env.CI) throw new Error(`CI needs Chromium at ${CHROMIUM} for the browser tests`);
    console.warn(`\nBrowser tests not run: no Chromium at ${CHROMIUM}. Install it with \`apt-get install chromium\`, or set CHROMIUM_PATH.\n`);
  }
  return installed;
}
