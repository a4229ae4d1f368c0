/**
 * What every server-side rendering (the cockpit export, the report PDF) shares: the Chromium
 * binary and its flags, playwright-core loaded only when something is rendered, and one render
 * at a time behind a short queue (a Chromium takes ~150 MB), then 503.
 */
import fs from 'node:fs';
import { Unavailable } from '../domain-errors.ts';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** No browser to render with, or too many renders at once: 503, retry in half a minute. */
export class ExportUnavailableError extends Unavailable {
  override name = 'ExportUnavailableError';
  constructor(message: string) {
    super(message, 30);
  }
}

export const chromiumPathOf = (configured?: string): string => configured ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** playwright-core's chromium, or a 503 naming what to install; `what` names the feature in the message. */
export async function loadChromium(chromiumPath: string, what: string): Promise<typeof import('playwright-core').chromium> {
  if (!fs.existsSync(chromiumPath)) {
    throw new ExportUnavailableError(`no Chromium at ${chromiumPath}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  try {
    return (await import('playwright-core')).chromium;
  } catch {
    throw new ExportUnavailableError(`${what} needs the playwright-core package: npm install playwright-core`);
  }
}

/** Runs jobs one at a time; more than `maxQueued` waiting is refused with `busyMessage`. */
export function renderQueue(maxQueued: number, busyMessage: string): <T>(job: () => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  return (job) => {
    if (waiting >= maxQueued) return Promise.reject(new ExportUnavailableError(busyMessage));
    waiting++;
    const run = queue.then(job).finally(() => {
      waiting--;
    });
    queue = run.catch(() => undefined);
    return run;
  };
}
