/**
 * The hall's voice (docs/screens.md#voice-calling) without a browser: what an announcement is made
 * of, and the committed clips: one per token, small enough to ship, and exactly what
 * scripts/make-voice-clips.ts makes with espeak-ng (installed by `npm test`'s bootstrap).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIPS_DIR, makeClip } from '../../scripts/make-voice-clips.ts';
import { withinOfficeHours } from '../../web/voice/office-hours.ts';
import { announcementText, announcementTokens, numberTokens, VOICE_CLIPS } from '../../web/voice/voice-tokens.ts';
import { instant } from '../helpers/test-clock.ts';

const words = (tokens: string[]) => tokens.map((t) => VOICE_CLIPS[t]).join('');

describe('what the hall says', () => {
  it('reads the ticket digit by digit and the window as a number', () => {
    expect(announcementText(announcementTokens('A023', 5))).toBe('请 A 零 二 三 号 到 五 号窗口');
    expect(words(announcementTokens('b417', 12))).toBe('请B四一七号到十二号窗口');
  });

  it('says window numbers the Chinese way', () => {
    const said = (n: number) => words(numberTokens(n));
    expect([1, 10, 11, 20, 35, 100, 105, 110, 123, 999].map(said)).toEqual([
      '一',
      '十',
      '十一',
      '二十',
      '三十五',
      '一百',
      '一百零五',
      '一百一十',
      '一百二十三',
      '九百九十九',
    ]);
    expect(said(1024)).toBe('一零二四'); // beyond 999: digit by digit
  });

  it('keeps to the office hours of the hall config, and is silent while they are unknown', () => {
    const hours = [
      { from: '08:30', to: '12:00' },
      { from: '14:00', to: '17:30' },
    ];
    expect(withinOfficeHours(hours, instant('08:30'))).toBe(true);
    expect(withinOfficeHours(hours, instant('11:59'))).toBe(true);
    expect(withinOfficeHours(hours, instant('12:00'))).toBe(false);
    expect(withinOfficeHours(hours, instant('17:29'))).toBe(true);
    expect(withinOfficeHours(hours, instant('21:00'))).toBe(false);
    expect(withinOfficeHours(undefined, instant('10:00'))).toBe(false);
  });
});

describe('the committed voice clips', () => {
  const names = Object.keys(VOICE_CLIPS);

  it('have one 16-bit mono WAV per token, under 1 MiB in all', () => {
    const files = fs.readdirSync(CLIPS_DIR).sort();
    expect(files).toEqual(names.map((n) => `${n}.wav`).sort());
    let total = 0;
    for (const file of files) {
      const wav = fs.readFileSync(path.join(CLIPS_DIR, file));
      total += wav.length;
      expect(wav.toString('ascii', 0, 4), file).toBe('RIFF');
      expect([wav.readUInt16LE(22), wav.readUInt16LE(34)], file).toEqual([1, 16]);
      const seconds = wav.readUInt32LE(40) / (2 * wav.readUInt32LE(24));
      expect(seconds, file).toBeGreaterThan(0.1);
      expect(seconds, file).toBeLessThan(2);
    }
    expect(total).toBeLessThan(1024 * 1024);
  });

  it('are what scripts/make-voice-clips.ts makes (npm run voice:clips after a change)', () => {
    for (const name of names) expect(makeClip(VOICE_CLIPS[name]!).equals(fs.readFileSync(path.join(CLIPS_DIR, `${name}.wav`))), name).toBe(true);
  });
});
