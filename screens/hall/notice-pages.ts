/**
 * The hall's notices shown a page at a time (翻页), the way LED walls show text, instead of a
 * marquee: each step of a scrolling strip is a full-width frame Chromium composites in software
 * (player PCs have no GPU), and any other change in the same frame (a counter, the called number,
 * the clock) widens it to nearly the whole screen (docs/screens.md, "What the wall costs"). A page
 * changes once every few seconds instead of 30 times a second: at 3840x2160 the scroll made the
 * hall 2.4x the cost of its charts, at 1920x1080 1.1-1.2x; with pages it is under 1x at both. A
 * whole notice also stays still long enough to be read. `?notices=scroll` keeps the marquee.
 *
 * Pure: the text is measured by a function handed in (the component measures with the page's
 * font), so the splitting and the timing are tested without a browser.
 */

export interface NoticeItem {
  tag: string;
  text: string;
}

export interface NoticePage {
  key: string;
  tag: string;
  text: string;
  /** 1-based page of this notice, and how many it has (a long notice takes several). */
  part: number;
  parts: number;
  /** How long the page stays, ms. */
  dwellMs: number;
}

export interface PagingRules {
  /** Reading speed on a wall: characters a second. */
  charsPerSecond: number;
  /** Least time a page stays, ms. */
  minDwellMs: number;
}

export const DEFAULT_PAGING: PagingRules = { charsPerSecond: 5, minDwellMs: 6000 };

/** Characters after which a line breaks best (Chinese and ASCII punctuation). */
const BREAK_AFTER = /[，。；：、！？,.;:!?）)」』”\s]/u;
/** A run of these is not cut in two when it can be avoided (numbers, times, Latin words). */
const WORD = /[0-9A-Za-z:.\-/%]/u;

/**
 * Splits a notice into lines no wider than `width` (as `measure` counts it). A line ends after
 * punctuation when one falls in its last 40%, else between two characters that are not both
 * part of a number or a Latin word, else where the width runs out.
 */
export function splitToWidth(text: string, width: number, measure: (s: string) => number): string[] {
  const chars = [...text.trim()];
  const lines: string[] = [];
  let start = 0;
  while (start < chars.length) {
    // the longest prefix that fits, at least one character
    let end = start + 1;
    while (end < chars.length && measure(chars.slice(start, end + 1).join('')) <= width) end++;
    if (end < chars.length) {
      const min = start + Math.max(1, Math.floor((end - start) * 0.6));
      let cut = -1;
      const inWord = (i: number) => WORD.test(chars[i - 1]!) && WORD.test(chars[i]!);
      for (let i = end; i > min; i--)
        if (BREAK_AFTER.test(chars[i - 1]!) && !inWord(i)) {
          cut = i;
          break;
        }
      if (cut < 0)
        for (let i = end; i > start + 1; i--)
          if (!inWord(i)) {
            cut = i;
            break;
          }
      if (cut > start) end = cut;
    }
    const line = chars.slice(start, end).join('').trim();
    if (line) lines.push(line);
    start = end;
  }
  return lines;
}

/** Every notice as pages that fit `width` next to its tag; `tagWidth` measures a tag with its box. */
export function noticePages(
  items: readonly NoticeItem[],
  width: number,
  measure: (s: string) => number,
  tagWidth: (tag: string) => number,
  rules: PagingRules = DEFAULT_PAGING,
): NoticePage[] {
  const pages: NoticePage[] = [];
  items.forEach((item, i) => {
    const lines = splitToWidth(item.text, Math.max(1, width - tagWidth(item.tag)), measure);
    lines.forEach((text, j) =>
      pages.push({
        key: `${i}.${j}`,
        tag: item.tag,
        text,
        part: j + 1,
        parts: lines.length,
        dwellMs: Math.max(rules.minDwellMs, Math.round(([...text].length / rules.charsPerSecond) * 1000)),
      }),
    );
  });
  return pages;
}

export type NoticeMode = 'scroll' | 'pages';

/** `?notices=scroll` keeps the marquee on a wall that wants it; anything else shows pages. */
export function noticeMode(param: string | null): NoticeMode {
  return param === 'scroll' ? 'scroll' : 'pages';
}
