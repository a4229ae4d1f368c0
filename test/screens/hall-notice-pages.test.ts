/** The hall's notices a page at a time (screens/hall/notice-pages.ts): the splitting and the mode, without a browser. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PAGING, noticeMode, noticePages, splitToWidth } from '../../screens/hall/notice-pages.ts';

/** Every character 10 units wide: widths in the tests are characters times ten. */
const measure = (s: string) => [...s].length * 10;

describe('hall notices as pages', () => {
  it('keeps a notice that fits on one page, and splits a longer one after punctuation', () => {
    expect(splitToWidth('营业执照办理不收费。', 200, measure)).toEqual(['营业执照办理不收费。']);
    // 12 characters fit; the break comes after the comma in the last 40% of the line
    expect(splitToWidth('请携带身份证、产权证书，到不动产登记窗口办理。', 120, measure)).toEqual(['请携带身份证、产权证书，', '到不动产登记窗口办理。']);
  });

  it('does not cut a number or a time in two when it can be avoided', () => {
    // 10 characters fit: not after "8:" (a time), but at the space before it
    expect(splitToWidth('上午办公时间为 8:30—12:00', 100, measure)).toEqual(['上午办公时间为', '8:30—12:00']);
    expect(splitToWidth('热线电话12345678', 60, measure)).toEqual(['热线电话', '123456', '78']);
  });

  it('never makes a line wider than the width, and loses no character', () => {
    const text = '实行服务承诺制、首问负责制、限时办结制、责任追究制，欢迎监督。行政效能投诉请拨打市长热线 12345。';
    for (const width of [30, 70, 150, 330]) {
      const lines = splitToWidth(text, width, measure);
      for (const line of lines) expect(measure(line)).toBeLessThanOrEqual(width);
      expect(lines.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
    }
  });

  it('gives each page its tag and a reading time of at least the minimum', () => {
    const pages = noticePages(
      [
        { tag: '公告', text: '短。' },
        { tag: '办事指南', text: '二'.repeat(95) },
      ],
      500,
      measure,
      (tag) => measure(tag) + 20,
    );
    expect(pages.map((p) => [p.key, p.tag, p.part, p.parts, [...p.text].length])).toEqual([
      ['0.0', '公告', 1, 1, 2],
      ['1.0', '办事指南', 1, 3, 44],
      ['1.1', '办事指南', 2, 3, 44],
      ['1.2', '办事指南', 3, 3, 7],
    ]);
    expect(pages[0]!.dwellMs).toBe(DEFAULT_PAGING.minDwellMs);
    expect(pages[1]!.dwellMs).toBe((44 / DEFAULT_PAGING.charsPerSecond) * 1000);
  });

  it('shows pages unless ?notices=scroll asks for the marquee', () => {
    expect(noticeMode(null)).toBe('pages');
    expect(noticeMode('pages')).toBe('pages');
    expect(noticeMode('scroll')).toBe('scroll');
    expect(noticeMode('marquee')).toBe('pages');
    expect(noticeMode('__proto__')).toBe('pages');
  });
});
