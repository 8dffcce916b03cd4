/**
 * An INDEPENDENT textbook Paillier implementation for cross-checking the optimised library.
 * Deliberately written without importing anything from src/lib/claim-crypto and without the
 * library's shortcuts: plain square-and-multiply, g^m by exponentiation (not 1 + m·n),
 * decryption through λ/μ, ρ recovery without CRT, and per-term polynomial evaluation with a
 * separate exponentiation and a separate modular inverse for every negative coefficient.
 */

/** Right-to-left binary square-and-multiply. */
export function tbModPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (exponent < 0n) throw new Error('tbModPow: negative exponent');
  if (modulus === 1n) return 0n;
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if ((e & 1n) === 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/** Recursive extended Euclid: [g, x, y] with a·x + b·y = g. */
export function tbEgcd(a: bigint, b: bigint): [bigint, bigint, bigint] {
  if (b === 0n) return [a, 1n, 0n];
  const [g, x, y] = tbEgcd(b, a % b);
  return [g, y, x - (a / b) * y];
}

export function tbGcd(a: bigint, b: bigint): bigint {
  return b === 0n ? (a < 0n ? -a : a) : tbGcd(b, a % b);
}

export function tbModInv(a: bigint, m: bigint): bigint {
  const [g, x] = tbEgcd(((a % m) + m) % m, m);
  if (g !== 1n) throw new Error('tbModInv: not invertible');
  return ((x % m) + m) % m;
}

export interface TextbookKey {
  readonly n: bigint;
  readonly n2: bigint;
  readonly g: bigint;
  readonly lambda: bigint;
  readonly mu: bigint;
  readonly phi: bigint;
}

/** λ = lcm(p−1, q−1), μ = L(g^λ mod n²)⁻¹ mod n with g = n + 1. */
export function tbKey(p: bigint, q: bigint): TextbookKey {
  const n = p * q;
  const n2 = n * n;
  const g = n + 1n;
  const phi = (p - 1n) * (q - 1n);
  const lambda = phi / tbGcd(p - 1n, q - 1n);
  const mu = tbModInv((tbModPow(g, lambda, n2) - 1n) / n, n);
  return { n, n2, g, lambda, mu, phi };
}

/** E(m; ρ) = g^m·ρ^n mod n², both by exponentiation. */
export function tbEncrypt(key: TextbookKey, m: bigint, rho: bigint): bigint {
  const mm = ((m % key.n) + key.n) % key.n;
  return (tbModPow(key.g, mm, key.n2) * tbModPow(rho, key.n, key.n2)) % key.n2;
}

/** m = L(c^λ mod n²)·μ mod n. */
export function tbDecrypt(key: TextbookKey, c: bigint): bigint {
  return (((tbModPow(c, key.lambda, key.n2) - 1n) / key.n) * key.mu) % key.n;
}

/** ρ = (c·g^{−m} mod n)^{n⁻¹ mod φ(n)} mod n, after a full decryption. */
export function tbRecoverRho(key: TextbookKey, c: bigint): bigint {
  const m = tbDecrypt(key, c);
  const gInvM = tbModInv(tbModPow(key.g, m, key.n2), key.n2);
  const rhoN = (c * gInvM) % key.n2;
  return tbModPow(rhoN % key.n, tbModInv(key.n, key.phi), key.n);
}

/** g^e mod n² for a signed integer e: separate exponentiation, inverse when negative. */
function tbSignedPow(key: TextbookKey, base: bigint, e: bigint): bigint {
  return e >= 0n ? tbModPow(base, e, key.n2) : tbModInv(tbModPow(base, -e, key.n2), key.n2);
}

/** E(P(x)) = g^{a_0}·∏ E(x^j)^{a_j}, one term at a time. */
export function tbEvaluate(key: TextbookKey, coeffs: readonly bigint[], powers: readonly bigint[]): bigint {
  let acc = tbSignedPow(key, key.g, coeffs[0] ?? 0n);
  for (let j = 1; j < coeffs.length; j++) {
    const c = powers[j - 1];
    const a = coeffs[j];
    if (c === undefined || a === undefined) throw new Error('tbEvaluate: missing power');
    acc = (acc * tbSignedPow(key, c, a)) % key.n2;
  }
  return acc;
}

/** P(t) = ∏(t − c_i) expanded by repeated convolution with [−c, 1]. */
export function tbPolynomial(roots: readonly number[]): bigint[] {
  let poly: bigint[] = [1n];
  for (const r of roots) {
    const out: bigint[] = [];
    for (let j = 0; j <= poly.length; j++) {
      const lower = j > 0 ? (poly[j - 1] ?? 0n) : 0n;
      const same = poly[j] ?? 0n;
      out.push(lower - BigInt(r) * same);
    }
    poly = out;
  }
  return poly;
}
