// Seeded randomness for the simulator: MurmurHash3-style hashing of 32-bit words picks an sfc32 stream,
// and Box–Muller turns its uniforms into normals. Same words, same stream, on every machine.

/** sfc32 (Chris Doty-Humphrey's Small Fast Counter), uniforms in [0, 1) from 128 bits of state. */
export function sfc32(a: number, b: number, c: number, d: number): () => number {
  let s0 = a >>> 0;
  let s1 = b >>> 0;
  let s2 = c >>> 0;
  let counter = d >>> 0;
  return () => {
    const t = (((s0 + s1) >>> 0) + counter) >>> 0;
    counter = (counter + 1) >>> 0;
    s0 = s1 ^ (s1 >>> 9);
    s1 = (s2 + (s2 << 3)) >>> 0;
    s2 = ((s2 << 21) | (s2 >>> 11)) >>> 0;
    s2 = (s2 + t) >>> 0;
    return t / 4_294_967_296;
  };
}

/** A seeded stream of uniforms and standard normals. */
export class Rng {
  private readonly uniform: () => number;
  private spare: number | null = null;

  constructor(a: number, b: number, c: number, d: number) {
    this.uniform = sfc32(a, b, c, d);
    // sfc32's first outputs still echo the seed; the usual remedy is to discard a few.
    for (let i = 0; i < 12; i++) this.uniform();
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uniform();
  }

  /** Uniform in (0, 1], safe to take the log of. */
  positive(): number {
    return 1 - this.uniform();
  }

  /** Standard normal by Box–Muller; the second value of each pair is kept for the next call. */
  normal(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(this.positive()));
    const angle = 2 * Math.PI * this.uniform();
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

function rotl32(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** MurmurHash3's finaliser: every input bit affects every output bit. */
function fmix32(input: number): number {
  let h = input;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 (x86, 32-bit) over a list of 32-bit words. */
export function hashWords(seed: number, words: readonly number[]): number {
  let h = seed >>> 0;
  for (const word of words) {
    let k = Math.imul(word | 0, 0xcc9e_2d51);
    k = rotl32(k, 15);
    k = Math.imul(k, 0x1b87_3593);
    h ^= k;
    h = rotl32(h, 13);
    h = (Math.imul(h, 5) + 0xe654_6b64) | 0;
  }
  return fmix32(h ^ (words.length * 4));
}

/** A 32-bit hash of a string's UTF-16 code units. */
export function hashString(text: string): number {
  const words: number[] = [];
  for (let i = 0; i < text.length; i++) words.push(text.charCodeAt(i));
  return hashWords(0x5bd1_e995, words);
}

/** An independent stream per list of words: four differently seeded hashes fill sfc32's state. */
export function rngFor(words: readonly number[]): Rng {
  return new Rng(
    hashWords(0x9e37_79b9, words),
    hashWords(0x85eb_ca77, words),
    hashWords(0xc2b2_ae3d, words),
    hashWords(0x27d4_eb2f, words),
  );
}

/** Stream purposes, the first word of every stream, so the symbol, level, year, day and minute streams never coincide. */
export const STREAM = {
  symbol: 1,
  level: 2,
  year: 3,
  day: 4,
  minute: 5,
} as const;
