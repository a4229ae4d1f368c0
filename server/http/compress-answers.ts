/**
 * Compressed HTTP answers (the `compression` middleware, brotli or gzip as the client takes them)
 * for the browser routes: JSON reads (a catalog, a cockpit overview, an audit page) shrink to a
 * fifth or less. Mounted in server/http/app.ts after the machine routes, so event ingest answers
 * (tiny 202s, many a second) never pass through it, and Socket.IO is not Express (it compresses
 * its own frames). Left alone:
 * - answers under COMPRESS_THRESHOLD: the headers would cost more than the bytes saved;
 * - event streams (`text/event-stream`): compressing buffers what must flow at once;
 * - answers already encoded (the screens' precompressed bundles, server/screens/compressed-assets.ts)
 *   and types that do not compress (PNG, PDF, xlsx: the `compressible` list says which).
 */
import compression from 'compression';
import type { Request, RequestHandler, Response } from 'express';

/** ~1 KB: smaller JSON answers go as they are. */
export const COMPRESS_THRESHOLD = 1024;

function worthCompressing(req: Request, res: Response): boolean {
  const type = String(res.getHeader('Content-Type') ?? '');
  if (type.startsWith('text/event-stream')) return false;
  return compression.filter(req, res);
}

export function compressAnswers(): RequestHandler {
  return compression({
    threshold: COMPRESS_THRESHOLD,
    filter: worthCompressing,
    // answers are made per request: zlib's default level 6 and the middleware's brotli quality 4
    // save most of the bytes for little CPU
  });
}
