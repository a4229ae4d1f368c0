/**
 * What the hall says for a call, as tokens: "请 A023 号 到 5 号窗口" is
 * 请 · A · 零 · 二 · 三 · 号 · 到 · 五 · 号窗口. The ticket is read character by character (the
 * usual 叫号 style: A023 is "A 零二三", never "A 二十三"), the window as a number (5 号窗口,
 * 12 是 十二, 105 是 一百零五). Each token is one pre-made clip (web/voice/clips/<name>.wav, made by
 * scripts/make-voice-clips.ts) and one word of the text handed to speech synthesis.
 */
const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'] as const;
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');

/** Clip name -> what it says (also what espeak-ng is given to make it). */
export const VOICE_CLIPS: Readonly<Record<string, string>> = Object.freeze({
  ...Object.fromEntries(DIGITS.map((d, i) => [`d${i}`, d])),
  shi: '十',
  bai: '百',
  ...Object.fromEntries(LETTERS.map((l) => [l, l])),
  qing: '请',
  hao: '号',
  dao: '到',
  window: '号窗口',
});

const digit = (n: number) => `d${n}`;

/** A whole number 1..999 read the Chinese way, as clip names; larger numbers digit by digit. */
export function numberTokens(n: number): string[] {
  if (!Number.isInteger(n) || n < 0 || n > 999)
    return String(Math.abs(Math.trunc(n)))
      .split('')
      .map(Number)
      .map(digit);
  if (n < 10) return [digit(n)];
  const hundreds = Math.floor(n / 100);
  const tens = Math.floor((n % 100) / 10);
  const ones = n % 10;
  const out: string[] = [];
  if (hundreds > 0) out.push(digit(hundreds), 'bai');
  if (tens > 0) {
    // 十二, not 一十二; but 一百一十二
    if (!(hundreds === 0 && tens === 1)) out.push(digit(tens));
    out.push('shi');
  } else if (hundreds > 0 && ones > 0) out.push('d0'); // 一百零五
  if (ones > 0) out.push(digit(ones));
  return out;
}

/** A ticket read one character at a time; characters with no clip (a dash) are left out. */
export function ticketTokens(ticket: string): string[] {
  const out: string[] = [];
  for (const ch of ticket.toUpperCase()) {
    if (ch >= '0' && ch <= '9') out.push(digit(Number(ch)));
    else if (Object.hasOwn(VOICE_CLIPS, ch)) out.push(ch);
  }
  return out;
}

/** The announcement of a call: 请 <ticket> 号 到 <window> 号窗口. */
export function announcementTokens(ticket: string, windowNumber: number): string[] {
  return ['qing', ...ticketTokens(ticket), 'hao', 'dao', ...numberTokens(windowNumber), 'window'];
}

/** The text speech synthesis reads: the tokens' words with spaces, so each digit is a word. */
export function announcementText(tokens: readonly string[]): string {
  return tokens.map((t) => (Object.hasOwn(VOICE_CLIPS, t) ? VOICE_CLIPS[t] : '')).join(' ');
}
