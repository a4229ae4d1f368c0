/**
 * A Vite plugin (web/vite.config.ts) that writes a brotli (`.br`) and a gzip (`.gz`) copy next to
 * every compressible hashed asset of the build, so the hub serves the screens' bundles compressed
 * without compressing anything at run time (server/screens/compressed-assets.ts). At build time
 * the slowest, smallest settings are affordable: brotli quality 11, gzip level 9. A copy that is
 * not smaller than the file is not written (the hub then serves the file itself).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/** What compresses: text. Images (png), sounds (wav) and fonts (woff2) are compressed already or barely shrink. */
export const PRECOMPRESSED_TYPES: ReadonlySet<string> = new Set(['.js', '.css', '.svg', '.json', '.html', '.txt', '.map']);
/** Below this a compressed copy saves less than a packet: not worth a file. */
const MIN_BYTES = 1024;

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Compresses one file; returns the bytes of the copies written (0 when none). */
async function precompressFile(file: string): Promise<{ raw: number; br: number; gz: number }> {
  const raw = await fs.readFile(file);
  if (raw.length < MIN_BYTES) return { raw: raw.length, br: 0, gz: 0 };
  const [br, gz] = await Promise.all([
    brotli(raw, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    }),
    gzip(raw, { level: zlib.constants.Z_BEST_COMPRESSION }),
  ]);
  const written = { raw: raw.length, br: 0, gz: 0 };
  if (br.length < raw.length) {
    await fs.writeFile(`${file}.br`, br);
    written.br = br.length;
  }
  if (gz.length < raw.length) {
    await fs.writeFile(`${file}.gz`, gz);
    written.gz = gz.length;
  }
  return written;
}

/** Writes `.br` and `.gz` next to each compressible file under `dir` (not recursive: the assets folder is flat). */
export async function precompressDir(dir: string): Promise<{ files: number; raw: number; br: number; gz: number }> {
  const total = { files: 0, raw: 0, br: 0, gz: 0 };
  const names = (await fs.readdir(dir)).filter((n) => PRECOMPRESSED_TYPES.has(path.extname(n)));
  for (const name of names) {
    const w = await precompressFile(path.join(dir, name));
    if (w.br === 0 && w.gz === 0) continue;
    total.files++;
    total.raw += w.raw;
    total.br += w.br;
    total.gz += w.gz;
  }
  return total;
}

/** The plugin: after Vite wrote the bundle, compress `<outDir>/<assetsDir>`. */
export function precompressAssets(): {
  name: string;
  apply: 'build';
  enforce: 'post';
  writeBundle: (options: { dir?: string }) => Promise<void>;
} {
  return {
    name: 'yangguang-precompress-assets',
    apply: 'build',
    enforce: 'post',
    async writeBundle(options) {
      if (!options.dir) return;
      const dir = path.join(options.dir, 'assets');
      const t = await precompressDir(dir);
      const kb = (n: number) => `${Math.round(n / 1024)} KB`;
      console.error(`precompressed ${t.files} assets: ${kb(t.raw)} → brotli ${kb(t.br)}, gzip ${kb(t.gz)}`);
    },
  };
}
