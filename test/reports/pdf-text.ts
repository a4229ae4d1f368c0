/**
 * The text of a PDF as Chromium (Skia) prints it, enough to check that a report's PDF shows its
 * numbers: each page's content stream, its text-showing operators (`Tj`, `TJ`) decoded through the
 * ToUnicode map of the font selected by `Tf`, NFKC-normalized (Skia maps some CJK glyphs to the
 * Kangxi radicals, ⽇ for 日, which NFKC maps back; the few radical-supplement forms by a table), so
 * full-width punctuation reads as ASCII: compare with NFKC-normalized text. Not a general PDF reader: uncompressed object table, Flate streams,
 * no object streams, which is what Skia writes.
 */
import zlib from 'node:zlib';

export function pdfText(pdf: Buffer): string {
  const src = pdf.toString('latin1');
  const objectText = (n: number): string => {
    const at = src.search(new RegExp(`(^|\\n)${n} 0 obj\\b`));
    if (at < 0) throw new Error(`no object ${n}`);
    return src.slice(at, src.indexOf('endobj', at));
  };
  const streamOf = (n: number): string => {
    const obj = objectText(n);
    const length = Number(/\/Length (\d+)/.exec(obj)?.[1]);
    const start = obj.indexOf('stream') + 'stream'.length;
    const offset = src.indexOf(obj) + start + (obj[start] === '\r' ? 2 : 1);
    const raw = pdf.subarray(offset, offset + length);
    return (obj.includes('/FlateDecode') ? zlib.inflateSync(raw) : raw).toString('latin1');
  };
  const toUnicode = (fontObj: number): Map<number, string> => {
    const cmapObj = Number(/\/ToUnicode (\d+) 0 R/.exec(objectText(fontObj))?.[1]);
    const cmap = streamOf(cmapObj);
    const map = new Map<number, string>();
    const utf16 = (hex: string) => Buffer.from(hex, 'hex').swap16().toString('utf16le');
    for (const [, block] of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
      for (const [, code, text] of block!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(parseInt(code!, 16), utf16(text!));
    for (const [, block] of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g))
      for (const [, from, to, first] of block!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g))
        for (let c = parseInt(from!, 16); c <= parseInt(to!, 16); c++) map.set(c, String.fromCodePoint(parseInt(first!, 16) + c - parseInt(from!, 16)));
    return map;
  };

  const pages = [...src.matchAll(/(?:^|\n)(\d+) 0 obj\s*<<\/Type \/Page\n/g)].map((m) => Number(m[1]));
  let text = '';
  for (const page of pages) {
    const dict = objectText(page);
    const fonts = new Map([...dict.matchAll(/\/(F\d+) (\d+) 0 R/g)].map(([, name, obj]) => [name!, toUnicode(Number(obj))]));
    const content = streamOf(Number(/\/Contents (\d+) 0 R/.exec(dict)?.[1]));
    let font = new Map<number, string>();
    const decode = (hex: string) => [...Buffer.from(hex, 'hex')].map((b) => font.get(b) ?? '').join('');
    for (const op of content.matchAll(/\/(F\d+) [\d.]+ Tf|<([0-9A-Fa-f]*)> ?Tj|\[([^\]]*)\] ?TJ/g)) {
      if (op[1]) font = fonts.get(op[1]) ?? new Map();
      else if (op[2] !== undefined) text += decode(op[2]);
      else text += [...op[3]!.matchAll(/<([0-9A-Fa-f]*)>/g)].map(([, hex]) => decode(hex!)).join('');
    }
    text += '\n';
  }
  return [...text.normalize('NFKC')].map((ch) => RADICALS.get(ch) ?? ch).join('');
}

/** CJK Radicals Supplement forms NFKC leaves alone, as the simplified characters they stand for. */
const RADICALS = new Map(
  Object.entries({
    '⻔': '门',
    '⻩': '黄',
    '⻓': '长',
    '⻋': '车',
    '⻢': '马',
    '⻚': '页',
    '⻅': '见',
    '⻉': '贝',
    '⻛': '风',
    '⻥': '鱼',
    '⻜': '飞',
    '⻝': '食',
    '⻘': '青',
    '⻙': '韦',
    '⻆': '角',
  }),
);
