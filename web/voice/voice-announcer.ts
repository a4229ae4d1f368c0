/**
 * Speaks announcements one after another, never two at once (docs/screens.md#voice-calling).
 *
 * Each announcement is read twice. Readings wait in one queue and play strictly in turn: the next
 * starts only after the last has ended and a short pause. The queue is capped so the hall never
 * falls minutes behind the calls: when more than MAX_WAITING readings wait, the second readings
 * of the waiting calls are dropped (oldest first), then, if still too many, the oldest calls.
 *
 * Engines: the Web Speech API when the PC has a Mandarin voice (`speechSynthesis.getVoices()`,
 * lang zh-CN or zh), otherwise the pre-made clips (web/voice/clips/, one per token) decoded once
 * and scheduled back to back on one AudioContext, which is suspended while nothing plays so an
 * idle hall costs no audio thread time.
 *
 * Browsers refuse to play before a user gesture unless started with
 * `--autoplay-policy=no-user-gesture-required` (the kiosk does); `blocked` says so, and `unlock()`
 * from a click or key press lets it play.
 */
import { ref, type Ref } from 'vue';
import { announcementText } from './voice-tokens.ts';

/** Readings allowed to wait behind the one playing (a reading takes 3-5 s). */
export const MAX_WAITING = 4;
/** Pause between two readings. */
const GAP_MS = 600;
/** A reading that never reports its end (a stuck speech engine) is given up after this. */
const READING_TIMEOUT_MS = 20_000;

export type VoiceEngine = 'auto' | 'clips' | 'speech';

export interface VoiceAnnouncer {
  /** True while the browser refuses to play sound until a user gesture. */
  readonly blocked: Ref<boolean>;
  /** Queues an announcement (clip names, web/voice/voice-tokens.ts), to be read twice. */
  announce(tokens: string[]): void;
  /** Call from a click or key press: lets a blocked page play. */
  unlock(): void;
  dispose(): void;
}

interface Reading {
  tokens: string[];
  second: boolean;
}

/** A Mandarin (Putonghua) voice of the PC, if it has one: zh-CN first, then any zh but Cantonese. */
export function mandarinVoice(): SpeechSynthesisVoice | null {
  if (typeof speechSynthesis === 'undefined') return null;
  const voices = speechSynthesis.getVoices();
  const lang = (v: SpeechSynthesisVoice) => v.lang.replace('_', '-').toLowerCase();
  return (
    voices.find((v) => lang(v) === 'zh-cn') ??
    voices.find((v) => lang(v) === 'zh' || lang(v) === 'cmn' || lang(v).startsWith('zh-hans') || lang(v).startsWith('cmn-')) ??
    null
  );
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The clips, decoded once, played back to back with one gain for the volume. */
class ClipPlayer {
  private ctx: AudioContext | null = null;
  private gain: GainNode | null = null;
  private readonly decoded = new Map<string, Promise<AudioBuffer | null>>();

  constructor(
    private readonly urls: Readonly<Record<string, string>>,
    private readonly volume: number,
    private readonly onBlocked: (blocked: boolean) => void,
  ) {}

  private context(): AudioContext {
    if (!this.ctx) {
      this.ctx = new AudioContext({ latencyHint: 'playback' });
      this.gain = this.ctx.createGain();
      this.gain.gain.value = this.volume;
      this.gain.connect(this.ctx.destination);
    }
    return this.ctx;
  }

  /** Tries to run the context; false when the browser holds it for a user gesture. */
  async wake(): Promise<boolean> {
    const ctx = this.context();
    if (ctx.state !== 'running') await Promise.race([ctx.resume().catch(() => undefined), delay(500)]);
    const running = ctx.state === 'running';
    this.onBlocked(!running);
    return running;
  }

  /** Suspends the context while nothing plays: a running one renders silence on an audio thread. */
  async sleep(): Promise<void> {
    if (this.ctx?.state === 'running') await this.ctx.suspend().catch(() => undefined);
  }

  private load(name: string): Promise<AudioBuffer | null> {
    let p = this.decoded.get(name);
    if (!p) {
      const url = Object.hasOwn(this.urls, name) ? this.urls[name]! : null;
      p = url
        ? bytesOf(url)
            .then((bytes) => this.context().decodeAudioData(bytes))
            .catch(() => {
              this.decoded.delete(name); // a failed fetch is tried again at the next call
              return null;
            })
        : Promise.resolve(null);
      this.decoded.set(name, p);
    }
    return p;
  }

  /** Loads every clip ahead of the first call, so the first announcement starts at once. */
  preload(): void {
    for (const name of Object.keys(this.urls)) void this.load(name);
  }

  async play(tokens: string[]): Promise<void> {
    const buffers = (await Promise.all(tokens.map((t) => this.load(t)))).filter((b): b is AudioBuffer => b !== null);
    if (buffers.length === 0 || !(await this.wake())) return;
    const ctx = this.ctx!;
    let at = ctx.currentTime + 0.05;
    let last: AudioBufferSourceNode | null = null;
    for (const buffer of buffers) {
      const source = ctx.createBufferSource();
      source.buffer = buffer;
      source.connect(this.gain!);
      source.start(at);
      at += buffer.duration;
      last = source;
    }
    const ended = new Promise<void>((resolve) => last!.addEventListener('ended', () => resolve(), { once: true }));
    await Promise.race([ended, delay((at - ctx.currentTime) * 1000 + READING_TIMEOUT_MS)]);
  }

  dispose(): void {
    void this.ctx?.close().catch(() => undefined);
    this.ctx = null;
  }
}

/** A clip's bytes: fetched, or decoded here when Vite inlined a small one as a data: URL (CSP allows no fetch of data:). */
async function bytesOf(url: string): Promise<ArrayBuffer> {
  if (url.startsWith('data:')) {
    const binary = atob(url.slice(url.indexOf(',') + 1));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`voice clip ${url}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

function speak(text: string, voice: SpeechSynthesisVoice, volume: number, onBlocked: (blocked: boolean) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const u = new SpeechSynthesisUtterance(text);
    u.lang = voice.lang;
    u.voice = voice;
    u.volume = volume;
    u.rate = 0.9;
    const timer = setTimeout(() => {
      speechSynthesis.cancel();
      resolve();
    }, READING_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    u.onstart = () => onBlocked(false);
    u.onend = done;
    u.onerror = (e) => {
      if (e.error === 'not-allowed') onBlocked(true);
      done();
    };
    speechSynthesis.speak(u);
  });
}

export function createVoiceAnnouncer(options: { clipUrls: Readonly<Record<string, string>>; volume: number; engine: VoiceEngine }): VoiceAnnouncer {
  const blocked = ref(false);
  const setBlocked = (b: boolean) => {
    if (blocked.value !== b) blocked.value = b;
  };
  const clips = new ClipPlayer(options.clipUrls, options.volume, setBlocked);
  const queue: Reading[] = [];
  let running = false;
  let disposed = false;

  const voiceFor = (): SpeechSynthesisVoice | null => (options.engine === 'clips' ? null : mandarinVoice());
  const useClips = options.engine === 'clips' || (options.engine === 'auto' && mandarinVoice() === null);
  if (useClips) {
    clips.preload();
    // find out at once whether the browser lets the page play, so the hint shows before a call
    void clips.wake().then(() => {
      if (!running) void clips.sleep(); // a call may have come meanwhile
    });
  }

  function trim(): void {
    for (let i = 0; queue.length > MAX_WAITING && i < queue.length;)
      if (queue[i]!.second) queue.splice(i, 1);
      else i++;
    while (queue.length > MAX_WAITING) queue.shift();
  }

  async function run(): Promise<void> {
    running = true;
    try {
      while (queue.length > 0 && !disposed) {
        const reading = queue.shift()!;
        const voice = voiceFor();
        if (voice) await speak(announcementText(reading.tokens), voice, options.volume, setBlocked);
        else if (options.engine !== 'speech') await clips.play(reading.tokens);
        if (queue.length > 0) await delay(GAP_MS);
      }
    } finally {
      running = false;
      if (!disposed && queue.length === 0) await clips.sleep();
    }
  }

  return {
    blocked,
    announce(tokens) {
      if (disposed) return;
      queue.push({ tokens, second: false }, { tokens, second: true });
      trim();
      if (!running) void run();
    },
    unlock() {
      if (!blocked.value) return;
      if (voiceFor()) {
        // a short silent utterance inside the gesture unlocks speech for the page
        const u = new SpeechSynthesisUtterance(' ');
        u.volume = 0;
        speechSynthesis.speak(u);
        setBlocked(false);
      } else
        void clips.wake().then((ok) => {
          if (ok && !running) void clips.sleep();
        });
    },
    dispose() {
      disposed = true;
      queue.length = 0;
      if (typeof speechSynthesis !== 'undefined') speechSynthesis.cancel();
      clips.dispose();
    },
  };
}
