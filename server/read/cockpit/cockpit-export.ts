/**
 * Renders the cockpit of a day to PNG or PDF for the daily briefing: headless Chromium (through
 * playwright-core, loaded only when an export is asked for) opens this very hub's
 * `/screens/cockpit?date=…&export=1` with the requester's session cookie, waits until every panel
 * has its data, and captures it. Server-side so the file is the same whatever browser the leader
 * uses, the PDF is a real vector PDF, and an office assistant can fetch it with curl.
 * One export at a time (a Chromium takes ~150 MB); a short queue, then 503.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Scope } from '../../../common/catalog.ts';
import { SESSION_COOKIE } from '../../identity/credentials.ts';
import { Forbidden } from '../../domain-errors.ts';
import { CHROMIUM_ARGS, chromiumPathOf, loadChromium, renderQueue } from '../../render/headless-chromium.ts';

export type ExportFormat = 'png' | 'pdf';

export interface ExportRequest {
  /** Origin of this hub as seen from itself, e.g. http://127.0.0.1:8080. */
  origin: string;
  format: ExportFormat;
  date: string;
  scope: Scope;
  width: number;
  height: number;
  /** The requester's session cookie, handed to the rendering browser (the cockpit needs a session). */
  session: string | null;
}

export interface CockpitExporterOptions {
  /** @default process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' */
  chromiumPath?: string;
  /** How long to wait for the page to have all its data. @default 90000 (a loaded 2-core machine needs it) */
  timeoutMs?: number;
  /** Exports waiting behind the running one before new ones are refused. @default 3 */
  maxQueued?: number;
}

/** The page sent the rendering browser to sign in: the requester has no cockpit session. */
export class ExportForbiddenError extends Forbidden {
  override name = 'ExportForbiddenError';
}

export interface CockpitExporter {
  render(req: ExportRequest): Promise<Buffer>;
}

export function createCockpitExporter(options: CockpitExporterOptions = {}): CockpitExporter {
  const chromiumPath = chromiumPathOf(options.chromiumPath);
  const timeoutMs = options.timeoutMs ?? 90_000;
  const enqueue = renderQueue(options.maxQueued ?? 3, 'too many exports at once; retry in a minute');

  async function renderOnce(req: ExportRequest): Promise<Buffer> {
    const chromium = await loadChromium(chromiumPath, 'the export');
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-export-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: req.width, height: req.height },
      deviceScaleFactor: 1,
      locale: 'zh-CN',
    });
    try {
      if (req.session !== null) await context.addCookies([{ name: SESSION_COOKIE, value: req.session, url: req.origin }]);
      const page = await context.newPage();
      const url = `${req.origin}/screens/cockpit?${new URLSearchParams({ date: req.date, scope: req.scope, export: '1', w: String(req.width), h: String(req.height) })}`;
      await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
      const ready = await page.waitForSelector('[data-cockpit-ready="1"], [data-testid="signin"]', { timeout: timeoutMs });
      if ((await ready.getAttribute('data-testid')) === 'signin')
        throw new ExportForbiddenError('the cockpit asked the rendering browser to sign in: export with a leader or admin session');
      if (req.format === 'png') return await page.screenshot({ type: 'png', fullPage: false });
      await page.emulateMedia({ media: 'screen' });
      return await page.pdf({ width: `${req.width}px`, height: `${req.height}px`, printBackground: true, pageRanges: '1' });
    } finally {
      await context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    }
  }

  return { render: (req) => enqueue(() => renderOnce(req)) };
}
