/**
 * Makes the hall's voice clips (docs/screens.md#voice-calling): one WAV per token of an
 * announcement (digits 零..九, 十, 百, letters A..Z, 请, 号, 到, 号窗口), spoken by espeak-ng's
 * Mandarin voice, trimmed of the silence around the speech. The clips are committed under
 * web/voice/clips/ (about 0.6 MB), so a player PC needs no speech engine; run this after a change
 * of VOICE_CLIPS or of the voice settings below, and commit what it writes.
 *   npm run voice:clips        (installs espeak-ng first when it is missing and we are root)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VOICE_CLIPS } from '../web/voice/voice-tokens.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLIPS_DIR = path.join(repoRoot, 'web/voice/clips');
/** espeak-ng's Mandarin voice, a little slower than its default 175 words a minute for a hall. */
const ESPEAK_ARGS = ['-v', 'cmn', '-s', '150', '-p', '45'];
/** Below this amplitude (of 32767) a sample counts as silence when trimming. */
const SILENCE = 400;
/** Silence kept before and after the speech, so that joined clips do not run into each other. */
const PAD_MS = 25;

interface Pcm {
  rate: number;
  samples: Int16Array;
}

function readWav(buf: Buffer): Pcm {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let rate = 0;
  for (let off = 12; off + 8 <= buf.length;) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ') {
      if (buf.readUInt16LE(off + 8) !== 1 || buf.readUInt16LE(off + 10) !== 1 || buf.readUInt16LE(off + 22) !== 16) throw new Error('expected 16-bit mono PCM');
      rate = buf.readUInt32LE(off + 12);
    } else if (id === 'data') {
      // espeak-ng may leave the size of a streamed file unset: the data runs to the end
      const end = Math.min(buf.length, off + 8 + size);
      const bytes = buf.subarray(off + 8, end - ((end - off - 8) % 2));
      return { rate, samples: new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)) };
    }
    off += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}

function writeWav({ rate, samples }: Pcm): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + samples.byteLength, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(samples.byteLength, 40);
  return Buffer.concat([header, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength)]);
}

function trim({ rate, samples }: Pcm): Pcm {
  let first = 0;
  let last = samples.length - 1;
  while (first < samples.length && Math.abs(samples[first]!) < SILENCE) first++;
  while (last > first && Math.abs(samples[last]!) < SILENCE) last--;
  const pad = Math.round((rate * PAD_MS) / 1000);
  return { rate, samples: samples.slice(Math.max(0, first - pad), Math.min(samples.length, last + 1 + pad)) };
}

export function makeClip(text: string): Buffer {
  const tmp = path.join(os.tmpdir(), `yg-voice-${process.pid}.wav`);
  try {
    execFileSync('espeak-ng', [...ESPEAK_ARGS, '-w', tmp, text], { stdio: ['ignore', 'ignore', 'inherit'] });
    return writeWav(trim(readWav(fs.readFileSync(tmp))));
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function main(): void {
  fs.mkdirSync(CLIPS_DIR, { recursive: true });
  const wanted = new Set(Object.keys(VOICE_CLIPS).map((name) => `${name}.wav`));
  for (const file of fs.readdirSync(CLIPS_DIR)) if (!wanted.has(file)) fs.rmSync(path.join(CLIPS_DIR, file));
  let total = 0;
  for (const [name, text] of Object.entries(VOICE_CLIPS)) {
    const wav = makeClip(text);
    fs.writeFileSync(path.join(CLIPS_DIR, `${name}.wav`), wav);
    total += wav.length;
  }
  console.log(`yangguang: ${wanted.size} voice clips, ${(total / 1024).toFixed(0)} KiB, in ${path.relative(repoRoot, CLIPS_DIR)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
