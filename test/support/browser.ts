// Headless Chromium (Debian's package) driven by playwright-core. Tests that need it skip, saying
// why, when it is not installed (`apt-get install chromium`; .ci/run installs it).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path)) ?? null;
export const NO_CHROMIUM = 'needs Chromium at /usr/bin/chromium (apt-get install chromium)';

/**
 * A browser in which `hosts` resolve to 127.0.0.1: to the browser they are ordinary non-local
 * origins (not potentially trustworthy, unlike localhost), as a LAN address is.
 */
export function launchBrowser(hosts: readonly string[] = []): Promise<Browser> {
  if (!CHROMIUM) throw new Error(NO_CHROMIUM);
  const rules = hosts.map((host) => `MAP ${host} 127.0.0.1`).join(', ');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...(rules ? [`--host-resolver-rules=${rules}`] : []),
    ],
  });
}
