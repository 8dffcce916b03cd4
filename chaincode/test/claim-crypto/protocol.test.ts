import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  ClaimCryptoError,
  ClaimPrivateKey,
  K_DEFAULT,
  K_MAX,
  adjudicateClaim,
  blind,
  computeClaimCiphertext,
  coveragePolynomial,
  decryptWithProof,
  encryptPowers,
  evaluateEncryptedPolynomial,
  evaluatePolynomial,
  icd10Category,
  isCovered,
  meetsPrivacyBound,
  polynomialBound,
  toPaillierKeys,
  verifyDecryption,
} from '../../src/lib/claim-crypto';
import { TestRng, testKey } from './helpers';
import {
  tbDecrypt,
  tbEncrypt,
  tbEvaluate,
  tbKey,
  tbModInv,
  tbModPow,
  tbPolynomial,
  TextbookKey,
} from './textbook';

const errCode =
  (code: string) =>
  (err: unknown): boolean =>
    err instanceof ClaimCryptoError && err.code === code;

// Small test keys cannot meet the privacy bound for large k; correctness does not depend on it.
const SMALL_KEY = { requirePrivacyBound: false } as const;

describe('coveragePolynomial', () => {
  const rng = new TestRng(21);

  it('expands ∏(t − c_i): monic, roots at the covered categories, same as the textbook expansion', () => {
    assert.deepEqual(coveragePolynomial([1, 2, 3]), [-6n, 11n, -6n, 1n]);
    assert.deepEqual(coveragePolynomial([2600]), [-2600n, 1n]);
    for (const k of [1, 2, 7, 32, 64]) {
      const cats = rng.categories(k);
      const coeffs = coveragePolynomial(cats);
      assert.equal(coeffs.length, k + 1);
      assert.equal(coeffs[k], 1n);
      assert.deepEqual(coeffs, tbPolynomial(cats));
      assert.deepEqual(coveragePolynomial([...cats].reverse()), coeffs, 'independent of order');
      for (const c of cats) assert.equal(evaluatePolynomial(coeffs, BigInt(c)), 0n);
      const outside = rng.categories(1, new Set(cats))[0] ?? 1;
      assert.notEqual(evaluatePolynomial(coeffs, BigInt(outside)), 0n);
    }
  });

  it('stays within ~11.4·k bits, and meets the privacy bound at 2048 bits for k = 64', () => {
    const worst = Array.from({ length: 64 }, (_, i) => 2600 - i);
    const coeffs = coveragePolynomial(worst);
    for (const a of coeffs) assert.ok((a < 0n ? -a : a).toString(2).length <= Math.ceil(11.35 * 64) + 64);
    const n2048 = (1n << 2047n) + 1n;
    assert.equal(meetsPrivacyBound(n2048, coeffs), true);
    assert.ok(polynomialBound(coeffs) < 1n << 800n);
  });

  it('rejects empty, too long, duplicate, out-of-range and non-integer category lists', () => {
    assert.throws(() => coveragePolynomial([]), errCode('INVALID_POLYNOMIAL'));
    assert.throws(
      () => coveragePolynomial(Array.from({ length: K_MAX + 1 }, (_, i) => i + 1)),
      errCode('INVALID_POLYNOMIAL'),
    );
    assert.throws(() => coveragePolynomial([5, 7, 5]), errCode('INVALID_CATEGORY'));
    assert.throws(() => coveragePolynomial([0]), errCode('INVALID_CATEGORY'));
    assert.throws(() => coveragePolynomial([2601]), errCode('INVALID_CATEGORY'));
    assert.throws(() => coveragePolynomial([1.5]), errCode('INVALID_CATEGORY'));
    assert.throws(() => coveragePolynomial(['5' as unknown as number]), errCode('INVALID_CATEGORY'));
  });
});

describe('filing and adjudication with a 512-bit key', () => {
  let sk: ClaimPrivateKey;
  let n: bigint;
  let tb: TextbookKey;
  const rng = new TestRng(31);
  before(async () => {
    sk = (await testKey(512)).privateKey;
    n = sk.n;
    tb = tbKey(sk.p, sk.q);
  });

  it('optimised E(P(x)) equals the textbook per-term evaluation and decrypts to P(x) mod n', () => {
    for (const k of [1, 2, 3, 8, 20]) {
      const cats = rng.categories(k);
      const coeffs = coveragePolynomial(cats);
      for (const x of [cats[0] ?? 1, rng.categories(1, new Set(cats))[0] ?? 1]) {
        const { ciphertexts } = encryptPowers(n, x, k + 2, (m) => rng.unit(m));
        const fast = evaluateEncryptedPolynomial(n, coeffs, ciphertexts, SMALL_KEY);
        assert.equal(fast, tbEvaluate(tb, coeffs, ciphertexts), `k=${k} x=${x}`);
        const px = evaluatePolynomial(coeffs, BigInt(x));
        assert.equal(tbDecrypt(tb, fast), ((px % n) + n) % n);
      }
    }
  });

  it('evaluates arbitrary signed coefficients, including ±1, a negative a_0 and zero terms', () => {
    const coeffs = [-123456789n, 0n, -5n, 17n, -1n, 0n, -(1n << 200n), 1n, 3n];
    const plain = Array.from({ length: coeffs.length - 1 }, () => rng.below(n));
    const powers = plain.map((m) => tbEncrypt(tb, m, rng.unit(n)));
    const fast = evaluateEncryptedPolynomial(n, coeffs, powers, SMALL_KEY);
    assert.equal(fast, tbEvaluate(tb, coeffs, powers));
    let expected = coeffs[0] ?? 0n;
    plain.forEach((m, i) => {
      expected += (coeffs[i + 1] ?? 0n) * m;
    });
    assert.equal(tbDecrypt(tb, fast), ((expected % n) + n) % n);
  });

  it(`covered ⇔ m = 0 for every k from 1 to K = ${K_DEFAULT}, covered and uncovered x each`, () => {
    const x = 1 + rng.int(0, 2599);
    const { ciphertexts } = encryptPowers(n, x, K_DEFAULT, (m) => rng.unit(m));
    for (let k = 1; k <= K_DEFAULT; k++) {
      const others = rng.categories(k - 1, new Set([x]));
      for (const covered of [true, false]) {
        const cats = covered ? [...others, x] : [...others, ...rng.categories(1, new Set([x, ...others]))];
        const coeffs = coveragePolynomial(cats);
        const r = rng.unit(n);
        const e = computeClaimCiphertext(n, coeffs, ciphertexts, r, SMALL_KEY);
        const proof = decryptWithProof(sk, e);
        assert.equal(verifyDecryption(n, e, proof), true, `k=${k} covered=${covered}`);
        assert.equal(isCovered(proof), covered, `k=${k} covered=${covered}`);
        assert.equal(adjudicateClaim(n, e, proof), covered);
        assert.equal(proof.m === 0n, covered);
        // Cross-check against the textbook decryption.
        assert.equal(tbDecrypt(tb, e), proof.m);
      }
    }
  });

  it('CRT ρ of the blinded claim equals getRandomFactor and the true randomness ∏ρ_j^{a_j·r}', () => {
    const { privateKey } = toPaillierKeys(sk);
    for (const k of [1, 4, 12]) {
      const x = rng.int(1, 2600);
      const { ciphertexts, randomness } = encryptPowers(n, x, k, (m) => rng.unit(m));
      const cats = k > 1 ? [x, ...rng.categories(k - 1, new Set([x]))] : rng.categories(1, new Set([x]));
      const coeffs = coveragePolynomial(cats);
      const r = rng.unit(n);
      const e = blind(n, evaluateEncryptedPolynomial(n, coeffs, ciphertexts, SMALL_KEY), r);
      // E(x^j)^{a_j} contributes ρ_j^{a_j} to the randomness (g^{a_0} contributes none); blinding
      // raises it to r. Negative a_j through the inverse of ρ_j mod n.
      let rhoTrue = 1n;
      coeffs.slice(1).forEach((a, i) => {
        const rj = randomness[i] ?? 1n;
        const term = a >= 0n ? tbModPow(rj, a, n) : tbModInv(tbModPow(rj, -a, n), n);
        rhoTrue = (rhoTrue * term) % n;
      });
      rhoTrue = tbModPow(rhoTrue, r, n);
      const proof = decryptWithProof(sk, e);
      assert.equal(proof.rho, rhoTrue);
      assert.equal(proof.rho, privateKey.getRandomFactor(e));
      assert.equal(proof.m, privateKey.decrypt(e));
      const px = evaluatePolynomial(coeffs, BigInt(x));
      assert.equal(proof.m, (((r * px) % n) + n) % n);
      assert.equal(verifyDecryption(n, e, proof), true);
      assert.equal(isCovered(proof), k > 1);
    }
  });

  it('with the privacy bound enforced, rejects polynomials too large for a 512-bit key', () => {
    const cats = rng.categories(32);
    const coeffs = coveragePolynomial(cats);
    const { ciphertexts } = encryptPowers(n, 7, 32, (m) => rng.unit(m));
    assert.throws(() => evaluateEncryptedPolynomial(n, coeffs, ciphertexts), errCode('INVALID_POLYNOMIAL'));
    const small = coveragePolynomial(cats.slice(0, 8));
    assert.equal(meetsPrivacyBound(n, small), true);
    assert.doesNotThrow(() => evaluateEncryptedPolynomial(n, small, ciphertexts));
  });

  it('always rejects a polynomial whose |P(x)| could reach n', () => {
    const coeffs = [n, 1n];
    const { ciphertexts } = encryptPowers(n, 7, 1, (m) => rng.unit(m));
    assert.throws(() => evaluateEncryptedPolynomial(n, coeffs, ciphertexts, SMALL_KEY), /too large/);
  });
});

describe('2048-bit end to end', () => {
  it('files and adjudicates a covered and an uncovered asthma claim (K = 16)', async () => {
    const { privateKey: sk } = await testKey(2048);
    const n = sk.n;
    const rng = new TestRng(41);
    const x = icd10Category('J45.909');
    const { ciphertexts, randomness } = encryptPowers(n, x, 16);
    const covered = coveragePolynomial([icd10Category('J45'), icd10Category('E11'), icd10Category('I10')]);
    const uncovered = coveragePolynomial(rng.categories(16, new Set([x])));
    for (const [coeffs, expected] of [
      [covered, true],
      [uncovered, false],
    ] as const) {
      const e = computeClaimCiphertext(n, coeffs, ciphertexts, rng.unit(n));
      const proof = decryptWithProof(sk, e);
      assert.equal(verifyDecryption(n, e, proof), true);
      assert.equal(adjudicateClaim(n, e, proof), expected);
      assert.equal(toPaillierKeys(sk).privateKey.getRandomFactor(e), proof.rho);
    }
    assert.equal(randomness.length, 16);
  });
});
