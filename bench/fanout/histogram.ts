/** Millisecond latency histograms that child processes fill and the parent merges. */
export const MAX_MS = 60_000;

export class Histogram {
  readonly counts = new Uint32Array(MAX_MS + 1);
  add(ms: number): void {
    this.counts[Math.max(0, Math.min(MAX_MS, Math.round(ms)))]!++;
  }
  /** Sparse [ms, count] pairs, small enough for IPC. */
  toPairs(): [number, number][] {
    const out: [number, number][] = [];
    this.counts.forEach((c, ms) => {
      if (c > 0) out.push([ms, c]);
    });
    return out;
  }
  merge(pairs: [number, number][]): void {
    for (const [ms, c] of pairs) this.counts[ms]! += c;
  }
  get total(): number {
    let n = 0;
    for (const c of this.counts) n += c;
    return n;
  }
  percentile(p: number): number {
    const target = Math.ceil(this.total * p);
    let seen = 0;
    for (let ms = 0; ms <= MAX_MS; ms++) {
      seen += this.counts[ms]!;
      if (seen >= target && seen > 0) return ms;
    }
    return NaN;
  }
}
