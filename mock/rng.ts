/**
 * Seeded randomness. Every stream is derived from a key (seed, day, center, part …), so a part of
 * a day can be generated on its own and still come out the same: the plan of a past day is
 * rebuilt to find the cases it accepted without replaying everything else.
 */

/** 32-bit FNV-1a then a murmur3 finaliser: a fast, well-mixed hash of a string. */
export function hash32(text: string, salt = 0): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 16-hex-digit digest, e.g. for hashed portal visitor ids. */
export function hex64(text: string): string {
  return hash32(text, 0x9e3779b9).toString(16).padStart(8, '0') + hash32(text, 0x7f4a7c15).toString(16).padStart(8, '0');
}

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [a, b). */
  uniform(a: number, b: number): number;
  /** Integer in [a, b]. */
  int(a: number, b: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** An item drawn with probability proportional to its weight. */
  weighted<T>(items: readonly T[], weight: (item: T) => number): T;
  normal(mean?: number, sd?: number): number;
  /** exp(N(mu, sigma)). */
  lognormal(mu: number, sigma: number): number;
  exponential(mean: number): number;
  poisson(lambda: number): number;
}

/** sfc32 seeded from a key: small, fast and good enough for simulation. */
export function rngFor(...key: (string | number)[]): Rng {
  const text = key.join('|');
  let a = hash32(text, 1),
    b = hash32(text, 2),
    c = hash32(text, 3),
    d = hash32(text, 4);
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return (r >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();

  const rng: Rng = {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    weighted: (items, weight) => {
      let total = 0;
      for (const it of items) total += Math.max(0, weight(it));
      let r = next() * total;
      for (const it of items) {
        r -= Math.max(0, weight(it));
        if (r < 0) return it;
      }
      return rng.pick(items);
    },
    normal: (mean = 0, sd = 1) => {
      const u = 1 - next();
      const v = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    lognormal: (mu, sigma) => Math.exp(rng.normal(mu, sigma)),
    exponential: (mean) => -mean * Math.log(1 - next()),
    poisson: (lambda) => {
      if (lambda <= 0) return 0;
      if (lambda > 60) return Math.max(0, Math.round(rng.normal(lambda, Math.sqrt(lambda))));
      const limit = Math.exp(-lambda);
      let k = 0;
      for (let p = next(); p > limit; p *= next()) k++;
      return k;
    },
  };
  return rng;
}
