/**
 * Compressed answers for the screens' hashed bundles under /screens/assets (a phone on a mobile
 * network reads ~300 KB of script before the cockpit paints; brotli makes it ~80 KB). The files are
 * immutable (their names carry their hash), so each is compressed once, on first request, and kept
 * in memory; anything else falls through to express.static.
 */
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { RequestHandler } from 'express';

const TYPES = new Map([
  ['.js', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
  ['.json', 'application/json; charset=utf-8'],
]);
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);
type Encoding = 'br' | 'gzip';

/** The encoding to answer with: brotli when the client takes it, else gzip, else none. */
function encodingFor(accept: string | undefined): Encoding | null {
  const list = (accept ?? '').split(',').map((x) => x.trim().split(';')[0]);
  if (list.includes('br')) return 'br';
  if (list.includes('gzip')) return 'gzip';
  return null;
}

export function compressedAssets(assetsDir: string): RequestHandler {
  const cache = new Map<string, Promise<Buffer>>();
  const root = path.resolve(assetsDir);
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const type = TYPES.get(path.extname(req.path));
    const encoding = encodingFor(req.headers['accept-encoding']);
    if (!type || !encoding) return next();
    let file: string;
    try {
      file = path.resolve(root, `.${decodeURIComponent(req.path)}`);
    } catch {
      return next(); // a malformed escape: express.static answers it
    }
    if (!file.startsWith(root + path.sep) || !fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return next();
    const key = `${encoding}:${file}`;
    let body = cache.get(key);
    if (!body) {
      const raw = fs.readFileSync(file);
      body = encoding === 'br' ? brotli(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9 } }) : gzip(raw, { level: 9 });
      cache.set(key, body);
    }
    body.then(
      (data) => {
        res.set({
          'Content-Type': type,
          'Content-Encoding': encoding,
          'Content-Length': String(data.length),
          'Cache-Control': 'public, max-age=31536000, immutable',
          Vary: 'Accept-Encoding',
        });
        if (req.method === 'HEAD') res.end();
        else res.end(data);
      },
      (err: unknown) => {
        cache.delete(key);
        next(err);
      },
    );
  };
}
