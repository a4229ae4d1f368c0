/**
 * A report's HTML (report-html.ts) printed to an A4 PDF by headless Chromium through playwright-core,
 * as the cockpit export does (same binary, same flags, same 503 when there is none): the page is
 * set from a string, so nothing is fetched and no session is needed. One print at a time (a
 * Chromium takes ~150 MB); a short queue, then 503.
 */
import { CHROMIUM_ARGS, chromiumPathOf, loadChromium, renderQueue } from '../render/headless-chromium.ts';

export interface PdfPrinter {
  print(html: string): Promise<Buffer>;
}

export function createPdfPrinter(options: { chromiumPath?: string; maxQueued?: number; timeoutMs?: number } = {}): PdfPrinter {
  const chromiumPath = chromiumPathOf(options.chromiumPath);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const enqueue = renderQueue(options.maxQueued ?? 3, 'too many reports printing at once; retry in a minute');

  async function printOnce(html: string): Promise<Buffer> {
    const chromium = await loadChromium(chromiumPath, 'the PDF report');
    const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS, timeout: timeoutMs });
    try {
      const page = await browser.newPage({ locale: 'zh-CN' });
      // nothing to fetch: a request from the report page would be a bug, not a resource
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load', timeout: timeoutMs });
      await page.evaluate('document.fonts.ready.then(() => true)');
      return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    } finally {
      await browser.close().catch(() => undefined);
    }
  }

  return { print: (html) => enqueue(() => printOnce(html)) };
}
