/** Shared test helpers: a seeded PRNG (reproducible data) and cached small keys. */
import { ClaimKeyPair, generateClaimKeyPair } from '../../src/lib/claim-crypto';

/** xorshift128+ on BigInt: deterministic test data from a seed. */
export class TestRng {
  private s0: bigint;
  private s1: bigint;
  private static readonly MASK = (1n << 64n) - 1n;

  constructor(seed: number) {
    this.s0 = (BigInt(seed) * 0x9e3779b97f4a7c15n + 0x1234567n) & TestRng.MASK;
    this.s1 = (this.s0 ^ 0xda942042e4dd58b5n) & TestRng.MASK || 1n;
  }

  next64(): bigint {
    let x = this.s0;
    const y = this.s1;
    this.s0 = y;
    x = (x ^ (x << 23n)) & TestRng.MASK;
    this.s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return (this.s1 + y) & TestRng.MASK;
  }

  /** Uniform-enough bigint in [0, bound). */
  below(bound: bigint): bigint {
    const words = Math.ceil(bound.toString(2).length / 64) + 1;
    let v = 0n;
    for (let i = 0; i < words; i++) v = (v << 64n) | this.next64();
    return v % bound;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Number(this.below(BigInt(max - min + 1)));
  }

  /** A unit mod n (0 < ρ < n, gcd = 1) — as the library's RandomUnitSource. */
  unit(n: bigint): bigint {
    for (;;) {
      const v = this.below(n);
      if (v > 0n && gcdSimple(v, n) === 1n) return v;
    }
  }

  /** k distinct categories in [1, 2600], optionally excluding some. */
  categories(k: number, exclude: ReadonlySet<number> = new Set()): number[] {
    const out = new Set<number>();
    while (out.size < k) {
      const c = this.int(1, 2600);
      if (!exclude.has(c)) out.add(c);
    }
    return [...out];
  }
}

function gcdSimple(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

const keyCache = new Map<number, Promise<ClaimKeyPair>>();

/** One key pair per size per test process (key generation is the slow part). */
export function testKey(bits: number): Promise<ClaimKeyPair> {
  let key = keyCache.get(bits);
  if (key === undefined) {
    key = generateClaimKeyPair(bits);
    keyCache.set(bits, key);
  }
  return key;
}
