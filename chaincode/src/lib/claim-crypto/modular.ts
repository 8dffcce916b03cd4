/**
 * Deterministic big-integer modular arithmetic on native BigInt (no dependency).
 *
 * modPow is the verifier's hot path (ρ^n mod n² on every adjudication): a left-to-right
 * sliding-window exponentiation is ~25 % faster than bigint-crypto-utils' binary method at
 * 2048 bits (see shared/reference/crypto-measurements.md §2). Nothing here is constant-time:
 * the chaincode only exponentiates public values, and the insurer-side CRT exponents are fixed
 * per key, so timing leaks nothing that is not already public on the ledger.
 */
import { ClaimCryptoError } from './errors';

const ZERO = 0n;
const ONE = 1n;

/** Number of significant bits of |a| (0 for 0). */
export function bitLength(a: bigint): number {
  if (a < ZERO) a = -a;
  return a === ZERO ? 0 : a.toString(2).length;
}

/** Least non-negative residue of a mod m (m > 0), unlike `%` which keeps the sign of a. */
export function mod(a: bigint, m: bigint): bigint {
  if (m <= ZERO) throw new ClaimCryptoError('INVALID_ARGUMENT', 'modulus must be positive');
  const r = a % m;
  return r < ZERO ? r + m : r;
}

/** Greatest common divisor, always non-negative; gcd(0, 0) = 0. */
export function gcd(a: bigint, b: bigint): bigint {
  if (a < ZERO) a = -a;
  if (b < ZERO) b = -b;
  while (b !== ZERO) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** Inverse of a modulo m (m > 1); throws when gcd(a, m) ≠ 1. Iterative extended Euclid. */
export function modInverse(a: bigint, m: bigint): bigint {
  if (m <= ONE) throw new ClaimCryptoError('INVALID_ARGUMENT', 'modInverse needs a modulus greater than 1');
  let r0 = m;
  let r1 = mod(a, m);
  let t0 = ZERO;
  let t1 = ONE;
  while (r1 !== ZERO) {
    const q = r0 / r1;
    const r2 = r0 - q * r1;
    r0 = r1;
    r1 = r2;
    const t2 = t0 - q * t1;
    t0 = t1;
    t1 = t2;
  }
  if (r0 !== ONE)
    throw new ClaimCryptoError('INVALID_ARGUMENT', 'value is not invertible modulo m (gcd ≠ 1)');
  return t0 < ZERO ? t0 + m : t0;
}

/**
 * Window width minimising precomputation (2^(w-1) odd powers) plus multiplications
 * (about bits/(w+1)); gives 6 for 2048-bit exponents, 1 for tiny ones.
 */
export function windowWidth(bits: number): number {
  let best = 1;
  let bestCost = bits;
  for (let w = 2; w <= 7; w++) {
    const cost = (1 << (w - 1)) + bits / (w + 1);
    if (cost < bestCost) {
      best = w;
      bestCost = cost;
    }
  }
  return best;
}

/** Odd powers b, b^3, …, b^(2^w − 1) mod m. */
function oddPowers(b: bigint, w: number, m: bigint): bigint[] {
  const size = 1 << (w - 1);
  const table: bigint[] = [b];
  if (size > 1) {
    const b2 = (b * b) % m;
    let cur = b;
    for (let i = 1; i < size; i++) {
      cur = (cur * b2) % m;
      table.push(cur);
    }
  }
  return table;
}

/** A sliding window: multiply by table[index] after processing the exponent bit at `end`. */
interface WindowEvent {
  readonly end: number;
  readonly index: number;
}

/**
 * Left-to-right sliding windows of a non-negative exponent written in `width` bits (MSB first,
 * zero-padded on the left). Each window starts and ends with a 1 bit and spans at most w bits.
 */
function slidingWindows(exponent: bigint, w: number, width: number): WindowEvent[] {
  const s = exponent.toString(2).padStart(width, '0');
  const events: WindowEvent[] = [];
  let i = 0;
  while (i < width) {
    if (s.charCodeAt(i) === 48) {
      i++;
      continue;
    }
    let j = Math.min(i + w, width) - 1;
    while (s.charCodeAt(j) === 48) j--;
    let value = 0;
    for (let t = i; t <= j; t++) value = (value << 1) | (s.charCodeAt(t) - 48);
    events.push({ end: j, index: (value - 1) >> 1 });
    i = j + 1;
  }
  return events;
}

/**
 * base^exponent mod modulus (modulus ≥ 1). A negative exponent inverts the base first (and
 * throws if the base is not invertible). 0^0 is 1, by convention.
 */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus <= ZERO) throw new ClaimCryptoError('INVALID_ARGUMENT', 'modPow needs a positive modulus');
  if (modulus === ONE) return ZERO;
  let b = mod(base, modulus);
  let e = exponent;
  if (e < ZERO) {
    b = modInverse(b, modulus);
    e = -e;
  }
  if (e === ZERO) return ONE;
  if (b === ZERO || b === ONE) return b;
  const bits = bitLength(e);
  const w = windowWidth(bits);
  const table = oddPowers(b, w, modulus);
  let result = ONE;
  let pos = 0;
  for (const { end, index } of slidingWindows(e, w, bits)) {
    // Square once per bit up to the end of this window (skipped while result is still 1).
    if (result !== ONE) {
      for (; pos <= end; pos++) result = (result * result) % modulus;
    }
    pos = end + 1;
    result = (result * (table[index] as bigint)) % modulus;
  }
  for (; pos < bits; pos++) result = (result * result) % modulus;
  return result;
}

/**
 * Simultaneous multi-exponentiation ∏ bases[i]^exponents[i] mod modulus with non-negative
 * exponents, interleaving one sliding window per base (Möller's interleaved method): the
 * squarings are shared, so the cost is max(bits) squarings plus Σ bits_i/(w_i+1) products,
 * instead of Σ bits_i squarings for separate exponentiations.
 */
export function multiExp(bases: readonly bigint[], exponents: readonly bigint[], modulus: bigint): bigint {
  if (bases.length !== exponents.length) {
    throw new ClaimCryptoError('INVALID_ARGUMENT', 'multiExp needs as many exponents as bases');
  }
  if (modulus <= ZERO) throw new ClaimCryptoError('INVALID_ARGUMENT', 'multiExp needs a positive modulus');
  if (modulus === ONE) return ZERO;
  let width = 0;
  for (const e of exponents) {
    if (e < ZERO) throw new ClaimCryptoError('INVALID_ARGUMENT', 'multiExp exponents must be non-negative');
    width = Math.max(width, bitLength(e));
  }
  // events[pos] = table entries to multiply in right after the squaring for bit position pos.
  const events: bigint[][] = Array.from({ length: width }, () => []);
  bases.forEach((base, i) => {
    const e = exponents[i] ?? ZERO;
    if (e === ZERO) return;
    const w = windowWidth(bitLength(e));
    const table = oddPowers(mod(base, modulus), w, modulus);
    for (const { end, index } of slidingWindows(e, w, width)) {
      (events[end] as bigint[]).push(table[index] as bigint);
    }
  });
  let result = ONE;
  let started = false;
  for (let pos = 0; pos < width; pos++) {
    if (started) result = (result * result) % modulus;
    for (const factor of events[pos] as bigint[]) {
      result = started ? (result * factor) % modulus : factor;
      started = true;
    }
  }
  return result;
}

/**
 * Chinese remainder theorem for pairwise coprime moduli: the unique x in [0, ∏ moduli) with
 * x ≡ residues[i] (mod moduli[i]). Garner-style incremental combination.
 */
export function crt(residues: readonly bigint[], moduli: readonly bigint[]): bigint {
  if (residues.length !== moduli.length || moduli.length === 0) {
    throw new ClaimCryptoError(
      'INVALID_ARGUMENT',
      'crt needs one residue per modulus and at least one modulus',
    );
  }
  let x = ZERO;
  let m = ONE;
  moduli.forEach((mi, i) => {
    if (mi <= ZERO) throw new ClaimCryptoError('INVALID_ARGUMENT', 'crt moduli must be positive');
    const ri = mod(residues[i] ?? ZERO, mi);
    if (gcd(m, mi) !== ONE)
      throw new ClaimCryptoError('INVALID_ARGUMENT', 'crt moduli must be pairwise coprime');
    // x' = x + m·((ri − x)·m⁻¹ mod mi) keeps x' ≡ x (mod m) and gives x' ≡ ri (mod mi).
    const h = mi === ONE ? ZERO : mod((ri - x) * modInverse(m, mi), mi);
    x += m * h;
    m *= mi;
  });
  return x;
}

/** Two-prime CRT with a precomputed q⁻¹ mod p (the insurer's hot path): x ≡ xp (p), ≡ xq (q). */
export function crtPair(xp: bigint, xq: bigint, p: bigint, q: bigint, qInvModP: bigint): bigint {
  return xq + q * mod((xp - xq) * qInvModP, p);
}
