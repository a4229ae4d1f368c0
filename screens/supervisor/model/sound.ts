/**
 * Alert sounds with WebAudio (no audio files): red is a fast high double beep every 2.5 s,
 * yellow a single lower beep every 6 s, while any alert of that colour waits for
 * acknowledgement. Browsers start audio only after a user gesture: the sign-in click, or the
 * sound button.
 */
export type SoundLevel = 'red' | 'yellow' | 'off';

const PATTERN: Record<Exclude<SoundLevel, 'off'>, { every: number; tones: [freq: number, at: number, dur: number][] }> = {
  red: {
    every: 2500,
    tones: [
      [1320, 0, 0.16],
      [1320, 0.22, 0.16],
      [990, 0.44, 0.22],
    ],
  },
  yellow: { every: 6000, tones: [[660, 0, 0.28]] },
};

export class AlertSound {
  private ctx: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  level: SoundLevel = 'off';
  private muted = false;

  /** Call from a user gesture so the browser lets the page play. */
  unlock(): void {
    try {
      this.ctx ??= new AudioContext();
      void this.ctx.resume();
    } catch {
      // no audio device: the console still shows everything
    }
  }

  /** The sound button: a muted console keeps its rhythm but plays nothing. */
  setMuted(muted: boolean): void {
    this.muted = muted;
  }

  set(level: SoundLevel): void {
    if (level === this.level) return;
    this.level = level;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (level === 'off') return;
    this.play(level);
    this.timer = setInterval(() => this.play(level), PATTERN[level].every);
  }

  private play(level: Exclude<SoundLevel, 'off'>): void {
    const ctx = this.ctx;
    if (this.muted || !ctx || ctx.state !== 'running') return;
    const t0 = ctx.currentTime + 0.02;
    for (const [freq, at, dur] of PATTERN[level].tones) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = level === 'red' ? 'square' : 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t0 + at);
      gain.gain.exponentialRampToValueAtTime(0.25, t0 + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + at + dur);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0 + at);
      osc.stop(t0 + at + dur + 0.02);
    }
  }
}
