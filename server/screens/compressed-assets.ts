/**
 * The screens' hashed bundles under /screens/assets, sent compressed as the build wrote them: the
 * Vite build puts a brotli `.br` and a gzip `.gz` copy next to each text asset
 * (scripts/precompress-assets.ts), so nothing is compressed at run time (a phone on a mobile
 * network reads ~300 KB of script before the cockpit paints; brotli at quality 11 makes it ~80 KB).
 * The files are immutable (their names carry their hash): each copy is read once and kept in
 * memory, and answered with `Cache-Control: public, max-age=31536000, immutable` and
 * `Vary: Accept-Encoding`. A client that takes neither encoding, a file without copies (a build
 * made before this, or a dev build) and anything else fall through to express.static, which
 * sends the file itself with the same caching.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';

const TYPES = new Map([
  ['.js', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
  ['.json', 'application/json; charset=utf-8'],
  ['.html', 'text/html; charset=utf-8'],
  ['.txt', 'text/plain; charset=utf-8'],
  ['.map', 'application/json; charset=utf-8'],
]);
export const IMMUTABLE = 'public, max-age=31536000, immutable';
type Encoding = 'br' | 'gzip';
const SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' };

/**
 * The encodings the client takes, best first: brotli, then gzip (a `q=0` refuses one). Browsers
 * send `gzip, deflate, br, zstd`; curl sends none.
 */
export function acceptedEncodings(accept: string | undefined): Encoding[] {
  const taken = new Set<string>();
  for (const part of (accept ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) taken.add(name);
  }
  return (['br', 'gzip'] as const).filter((e) => taken.has(e) || taken.has('*'));
}

/** A compressed copy read once: null when the build wrote none. */
type Copy = { body: Buffer; etag: string } | null;

export function compressedAssets(assetsDir: string): RequestHandler {
  const copies = new Map<string, Copy>();
  const root = path.resolve(assetsDir);
  const copyOf = (file: string, encoding: Encoding): Copy => {
    const key = file + SUFFIX[encoding];
    if (copies.has(key)) return copies.get(key)!;
    let copy: Copy = null;
    try {
      const body = fs.readFileSync(key);
      // the hash in the name names the content; the encoding tells the two copies apart
      copy = { body, etag: `"${path.basename(file)}-${encoding}"` };
    } catch {
      // no copy: a dev build, or a file too small to be worth one
    }
    copies.set(key, copy);
    return copy;
  };
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const type = TYPES.get(path.extname(req.path));
    if (!type) return next();
    let file: string;
    try {
      file = path.resolve(root, `.${decodeURIComponent(req.path)}`);
    } catch {
      return next(); // a malformed escape: express.static answers it
    }
    // only files of the build are remembered (a made-up name must not grow the map)
    if (!file.startsWith(root + path.sep) || !fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return next();
    // whatever this request gets, a cache must keep the answers per encoding apart
    res.vary('Accept-Encoding');
    for (const encoding of acceptedEncodings(req.headers['accept-encoding'])) {
      const copy = copyOf(file, encoding);
      if (!copy) continue;
      res.set({
        'Content-Type': type,
        'Content-Encoding': encoding,
        'Content-Length': String(copy.body.length),
        'Cache-Control': IMMUTABLE,
        ETag: copy.etag,
      });
      if (req.headers['if-none-match'] === copy.etag) {
        res.removeHeader('Content-Length');
        res.status(304).end();
        return;
      }
      if (req.method === 'HEAD') res.end();
      else res.end(copy.body);
      return;
    }
    next();
  };
}
