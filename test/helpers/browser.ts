import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { projectRoot } from '../../src/paths.js';

/** Debian's chromium (installed by apt in CI); playwright-core never downloads a browser of its own. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Headless Chromium with a fresh profile (playwright makes a temporary one per launch). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Where browser tests keep their screenshots (git-ignored; reviewed copies live in test/artefacts/reviewed/). */
export function artefactDir(...parts: string[]): string {
  const dir = join(projectRoot, 'test', 'artefacts', ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}
