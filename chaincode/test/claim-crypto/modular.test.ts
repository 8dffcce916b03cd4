import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modPow as bcuModPow } from 'bigint-crypto-utils';
import {
  ClaimCryptoError,
  bitLength,
  crt,
  crtPair,
  gcd,
  mod,
  modInverse,
  modPow,
  multiExp,
  windowWidth,
} from '../../src/lib/claim-crypto';
import { TestRng } from './helpers';
import { tbGcd, tbModInv, tbModPow } from './textbook';

const rng = new TestRng(7);

describe('modPow (sliding window)', () => {
  it('matches textbook square-and-multiply and bigint-crypto-utils on random inputs of many sizes', () => {
    for (const bits of [3, 8, 17, 64, 127, 256, 521, 1024, 2048]) {
      for (let i = 0; i < 12; i++) {
        const m = rng.below(1n << BigInt(bits)) | 1n | (1n << BigInt(bits - 1));
        const b = rng.below(m * 3n) - m; // includes negative bases and bases ≥ m
        const e = rng.below(1n << BigInt(rng.int(1, bits + 40)));
        const expected = tbModPow(b, e, m);
        assert.equal(modPow(b, e, m), expected, `bits=${bits} b=${b} e=${e} m=${m}`);
        if (b >= 0n) assert.equal(bcuModPow(b, e, m), expected);
      }
    }
  });

  it('handles exponents whose bits are all ones, single bits and zero runs around windows', () => {
    const m = (1n << 521n) - 1n;
    const b = 0x123456789abcdefn;
    for (const e of [
      1n,
      2n,
      3n,
      (1n << 100n) - 1n,
      1n << 100n,
      (1n << 100n) + 1n,
      0b1000001000001n,
      0b1110111n,
    ]) {
      assert.equal(modPow(b, e, m), tbModPow(b, e, m), `e=${e.toString(2)}`);
    }
  });

  it('edge cases: exponent 0, modulus 1, base 0/1, negative exponent', () => {
    assert.equal(modPow(5n, 0n, 7n), 1n);
    assert.equal(modPow(0n, 0n, 7n), 1n);
    assert.equal(modPow(5n, 3n, 1n), 0n);
    assert.equal(modPow(0n, 5n, 7n), 0n);
    assert.equal(modPow(1n, 12345n, 7n), 1n);
    assert.equal(modPow(7n, 3n, 7n), 0n);
    assert.equal(modPow(3n, -1n, 7n), 5n);
    assert.equal(modPow(3n, -2n, 7n), (5n * 5n) % 7n);
    assert.throws(() => modPow(2n, -1n, 4n), ClaimCryptoError);
    assert.throws(() => modPow(2n, 1n, 0n), ClaimCryptoError);
    assert.throws(() => modPow(2n, 1n, -5n), ClaimCryptoError);
  });

  it('picks wider windows for longer exponents', () => {
    assert.equal(windowWidth(1), 1);
    assert.ok(windowWidth(2048) >= 5);
    assert.ok(windowWidth(200) <= windowWidth(2048));
  });
});

describe('multiExp (interleaved)', () => {
  it('equals the product of separate textbook exponentiations', () => {
    for (const bits of [61, 512, 1024]) {
      const m = rng.below(1n << BigInt(bits)) | 1n | (1n << BigInt(bits - 1));
      for (const count of [1, 2, 5, 16]) {
        const bases = Array.from({ length: count }, () => rng.below(m));
        const exps = Array.from({ length: count }, (_, i) =>
          i === 1 ? 0n : rng.below(1n << BigInt(rng.int(1, 400))),
        );
        let expected = 1n % m;
        bases.forEach((b, i) => {
          expected = (expected * tbModPow(b, exps[i] ?? 0n, m)) % m;
        });
        assert.equal(multiExp(bases, exps, m), expected, `bits=${bits} count=${count}`);
      }
    }
  });

  it('handles all-zero exponents, empty input and bad arguments', () => {
    assert.equal(multiExp([5n, 6n], [0n, 0n], 11n), 1n);
    assert.equal(multiExp([], [], 11n), 1n);
    assert.equal(multiExp([5n], [1n], 1n), 0n);
    assert.throws(() => multiExp([5n], [-1n], 11n), ClaimCryptoError);
    assert.throws(() => multiExp([5n, 6n], [1n], 11n), ClaimCryptoError);
  });
});

describe('gcd, modInverse, mod, bitLength', () => {
  it('match the textbook versions', () => {
    for (let i = 0; i < 200; i++) {
      const a = rng.below(1n << 300n);
      const m = rng.below(1n << 300n) + 2n;
      assert.equal(gcd(a, m), tbGcd(a, m));
      assert.equal(gcd(-a, m), tbGcd(a, m));
      if (tbGcd(a, m) === 1n) {
        const inv = modInverse(a, m);
        assert.equal(inv, tbModInv(a, m));
        assert.equal((a * inv) % m, 1n);
        assert.equal(modInverse(-a, m), mod(-inv, m));
      } else {
        assert.throws(() => modInverse(a, m), ClaimCryptoError);
      }
    }
    assert.equal(gcd(0n, 0n), 0n);
    assert.equal(gcd(0n, 9n), 9n);
    assert.throws(() => modInverse(3n, 1n), ClaimCryptoError);
    assert.equal(mod(-7n, 5n), 3n);
    assert.equal(mod(7n, 5n), 2n);
    assert.throws(() => mod(1n, 0n), ClaimCryptoError);
    assert.equal(bitLength(0n), 0);
    assert.equal(bitLength(1n), 1);
    assert.equal(bitLength(-255n), 8);
    assert.equal(bitLength(1n << 2047n), 2048);
  });
});

describe('crt', () => {
  it('reconstructs random values from residues', () => {
    const moduli = [1000003n, 998244353n, 1000000007n, 65537n];
    const M = moduli.reduce((a, b) => a * b, 1n);
    for (let i = 0; i < 50; i++) {
      const x = rng.below(M);
      assert.equal(
        crt(
          moduli.map((m) => x % m),
          moduli,
        ),
        x,
      );
      const [p, q] = [1000003n, 998244353n];
      const y = x % (p * q);
      assert.equal(crtPair(y % p, y % q, p, q, tbModInv(q, p)), y);
    }
    assert.equal(crt([-1n], [7n]), 6n);
  });

  it('rejects non-coprime or mismatched moduli', () => {
    assert.throws(() => crt([1n, 2n], [6n, 9n]), ClaimCryptoError);
    assert.throws(() => crt([1n], [6n, 9n]), ClaimCryptoError);
    assert.throws(() => crt([], []), ClaimCryptoError);
    assert.throws(() => crt([1n], [0n]), ClaimCryptoError);
  });
});
