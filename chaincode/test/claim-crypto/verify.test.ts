import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  ClaimCryptoError,
  ClaimPrivateKey,
  DecryptionProof,
  adjudicateClaim,
  bigintToDecimal,
  bigintsToDecimal,
  blind,
  checkDecryption,
  checkFiledClaimDecryption,
  computeClaimCiphertext,
  coveragePolynomial,
  decryptWithProof,
  encryptPowers,
  encryptWithRandomness,
  evaluateEncryptedPolynomial,
  parseDecimalBigInt,
  parseDecimalBigInts,
  parseProof,
  serializeProof,
  validateBlind,
  verifyDecryption,
} from '../../src/lib/claim-crypto';
import { TestRng, testKey } from './helpers';

const errCode =
  (code: string) =>
  (err: unknown): boolean =>
    err instanceof ClaimCryptoError && err.code === code;

describe('verifyDecryption', () => {
  let sk: ClaimPrivateKey;
  let n: bigint;
  let n2: bigint;
  let e: bigint;
  let proof: DecryptionProof;
  const rng = new TestRng(51);
  before(async () => {
    sk = (await testKey(512)).privateKey;
    n = sk.n;
    n2 = n * n;
    e = encryptWithRandomness(n, 12345n, rng.unit(n));
    proof = decryptWithProof(sk, e);
  });

  const rejects = (eArg: bigint, p: DecryptionProof, reason: RegExp): void => {
    assert.equal(verifyDecryption(n, eArg, p), false);
    const result = checkDecryption(n, eArg, p);
    assert.equal(result.valid, false);
    if (!result.valid) assert.match(result.reason, reason);
    assert.throws(() => adjudicateClaim(n, eArg, p), errCode('INVALID_PROOF'));
  };

  it('accepts the honest proof', () => {
    assert.equal(proof.m, 12345n);
    assert.equal(verifyDecryption(n, e, proof), true);
    assert.deepEqual(checkDecryption(n, e, proof), { valid: true });
  });

  it('range check: 0 ≤ m < n', () => {
    rejects(e, { m: -1n, rho: proof.rho }, /0 ≤ m < n/);
    rejects(e, { m: n, rho: proof.rho }, /0 ≤ m < n/);
    // m + n satisfies the equation mod n² (g has order n) but is outside the range.
    rejects(e, { m: proof.m + n, rho: proof.rho }, /0 ≤ m < n/);
  });

  it('range check: 0 < ρ < n and gcd(ρ, n) = 1', () => {
    rejects(e, { m: proof.m, rho: 0n }, /0 < ρ < n/);
    rejects(e, { m: proof.m, rho: -proof.rho }, /0 < ρ < n/);
    rejects(e, { m: proof.m, rho: n }, /0 < ρ < n/);
    // ρ + n satisfies (ρ + n)^n ≡ ρ^n (mod n²) but is outside the range.
    rejects(e, { m: proof.m, rho: proof.rho + n }, /0 < ρ < n/);
    rejects(e, { m: proof.m, rho: sk.p }, /coprime/);
    rejects(e, { m: proof.m, rho: sk.q * 3n }, /coprime/);
  });

  it('range check: 0 < e < n² and gcd(e, n) = 1', () => {
    rejects(0n, proof, /0 < e < n²/);
    rejects(-e, proof, /0 < e < n²/);
    rejects(n2, proof, /0 < e < n²/);
    rejects(e + n2, proof, /0 < e < n²/);
    rejects(sk.p * 7n, proof, /not coprime/);
  });

  it('rejects a wrong m, a wrong ρ, and a valid proof for another claim', () => {
    rejects(e, { m: proof.m + 1n, rho: proof.rho }, /does not match/);
    rejects(e, { m: 0n, rho: proof.rho }, /does not match/);
    rejects(e, { m: proof.m, rho: proof.rho === 1n ? 2n : proof.rho - 1n }, /does not match/);
    const other = encryptWithRandomness(n, 12345n, rng.unit(n));
    const otherProof = decryptWithProof(sk, other);
    assert.equal(verifyDecryption(n, other, otherProof), true);
    rejects(e, otherProof, /does not match/);
    rejects(other, proof, /does not match/);
  });

  it('rejects a fake "covered" proof (m = 0) for an uncovered claim', () => {
    const { ciphertexts } = encryptPowers(n, 100, 3, (m) => rng.unit(m));
    const claim = computeClaimCiphertext(n, coveragePolynomial([1, 2, 3]), ciphertexts, rng.unit(n), {
      requirePrivacyBound: false,
    });
    const honest = decryptWithProof(sk, claim);
    assert.notEqual(honest.m, 0n);
    rejects(claim, { m: 0n, rho: honest.rho }, /does not match/);
    assert.equal(adjudicateClaim(n, claim, honest), false);
  });

  it('throws on an invalid modulus rather than returning a verdict', () => {
    assert.throws(() => verifyDecryption(n + 1n, e, proof), errCode('INVALID_MODULUS'));
    assert.throws(() => checkFiledClaimDecryption(n + 1n, e, proof), errCode('INVALID_MODULUS'));
  });

  it('checkFiledClaimDecryption (an e FileClaim computed): the same verdicts except gcd(e, n)', () => {
    assert.deepEqual(checkFiledClaimDecryption(n, e, proof), { valid: true });
    const verdicts: [bigint, DecryptionProof][] = [
      [e, { m: proof.m + 1n, rho: proof.rho }],
      [e, { m: n, rho: proof.rho }],
      [e, { m: proof.m, rho: 0n }],
      [e, { m: proof.m, rho: proof.rho + n }],
      [e, { m: proof.m, rho: sk.p }],
      [n2, proof],
      [0n, proof],
    ];
    for (const [eArg, p] of verdicts) {
      assert.deepEqual(checkFiledClaimDecryption(n, eArg, p), checkDecryption(n, eArg, p));
      assert.equal(checkFiledClaimDecryption(n, eArg, p).valid, false);
    }
    // The one check it leaves out: a non-unit e is still rejected, by the equation (ρ^n(1+mn) is a unit).
    const nonUnit = sk.p * 7n;
    assert.match(invalidReason(checkDecryption(n, nonUnit, proof)), /not coprime/);
    assert.match(invalidReason(checkFiledClaimDecryption(n, nonUnit, proof)), /does not match/);
  });
});

function invalidReason(result: ReturnType<typeof checkDecryption>): string {
  assert.equal(result.valid, false);
  return result.valid ? '' : result.reason;
}

describe('blind and ciphertext validation at filing', () => {
  let sk: ClaimPrivateKey;
  let n: bigint;
  let powers: bigint[];
  let c: bigint;
  const coeffs = coveragePolynomial([10, 20, 30]);
  const rng = new TestRng(61);
  before(async () => {
    sk = (await testKey(512)).privateKey;
    n = sk.n;
    powers = encryptPowers(n, 20, 4, (m) => rng.unit(m)).ciphertexts;
    c = evaluateEncryptedPolynomial(n, coeffs, powers);
  });

  it('rejects r = 0, r = n, r > n, r = −1 and r with gcd(r, n) ≠ 1', () => {
    const cases: [bigint, RegExp][] = [
      [0n, /at least 1/],
      [-1n, /at least 1/],
      [n, /at most n − 1/],
      [n + 1n, /at most n − 1/],
      [n * n, /at most n − 1/],
      [sk.p, /coprime/],
      [sk.q * 2n, /coprime/],
    ];
    for (const [r, msg] of cases) {
      assert.throws(
        () => blind(n, c, r),
        (err: unknown) => errCode('INVALID_BLIND')(err) && msg.test((err as Error).message),
      );
      assert.throws(() => computeClaimCiphertext(n, coeffs, powers, r), errCode('INVALID_BLIND'));
      assert.throws(() => validateBlind(n, r), errCode('INVALID_BLIND'));
    }
    assert.equal(validateBlind(n, 1n), 1n);
    assert.equal(validateBlind(n, n - 1n), n - 1n);
    // r = 1 is allowed (a valid if pointless blind): e = E(P(x)).
    assert.equal(blind(n, c, 1n), c);
  });

  it('rejects invalid ciphertexts: 0, n², > n², negative, and not coprime to n', () => {
    for (const bad of [0n, -c, n * n, n * n + 5n, sk.p * 3n]) {
      assert.throws(() => blind(n, bad, 3n), errCode('INVALID_CIPHERTEXT'));
      const tampered = [...powers];
      tampered[1] = bad;
      assert.throws(() => evaluateEncryptedPolynomial(n, coeffs, tampered), errCode('INVALID_CIPHERTEXT'));
    }
    // The culprit is named when the batch gcd check fails.
    const tampered = [...powers];
    tampered[2] = sk.q;
    assert.throws(
      () => evaluateEncryptedPolynomial(n, coeffs, tampered),
      /encrypted powers\[2\] is not coprime/,
    );
  });

  it('needs at least k powers and a well-formed polynomial', () => {
    assert.throws(
      () => evaluateEncryptedPolynomial(n, coeffs, powers.slice(0, 2)),
      errCode('INVALID_CIPHERTEXT'),
    );
    assert.throws(() => evaluateEncryptedPolynomial(n, [5n], powers), errCode('INVALID_POLYNOMIAL'));
    assert.throws(() => evaluateEncryptedPolynomial(n, [5n, 0n], powers), errCode('INVALID_POLYNOMIAL'));
    assert.throws(
      () => evaluateEncryptedPolynomial(n, [5n, 1 as unknown as bigint], powers),
      errCode('INVALID_POLYNOMIAL'),
    );
    assert.throws(
      () =>
        evaluateEncryptedPolynomial(
          n,
          Array.from({ length: 66 }, () => 1n),
          powers,
        ),
      errCode('INVALID_POLYNOMIAL'),
    );
    assert.doesNotThrow(() => evaluateEncryptedPolynomial(n, coeffs, powers.slice(0, 3)));
  });

  it('is deterministic: same inputs, same claim ciphertext', () => {
    const r = rng.unit(n);
    assert.equal(
      computeClaimCiphertext(n, coeffs, powers, r),
      computeClaimCiphertext(n, coeffs, [...powers], r),
    );
    assert.equal(
      adjudicateClaim(
        n,
        computeClaimCiphertext(n, coeffs, powers, r),
        decryptWithProof(sk, computeClaimCiphertext(n, coeffs, powers, r)),
      ),
      true,
    );
  });
});

describe('serialisation (canonical decimal strings)', () => {
  it('round-trips proofs and bigint arrays through JSON', () => {
    const proof = { m: 0n, rho: 123456789012345678901234567890n };
    const wire = JSON.parse(JSON.stringify(serializeProof(proof))) as unknown;
    assert.deepEqual(wire, { m: '0', rho: '123456789012345678901234567890' });
    assert.deepEqual(parseProof(wire), proof);
    const values = [1n, -5n, 0n, 1n << 300n];
    assert.deepEqual(
      parseDecimalBigInts(bigintsToDecimal(values), 'coeffs', 10, { allowNegative: true }),
      values,
    );
    assert.equal(bigintToDecimal(-42n), '-42');
  });

  it('rejects non-canonical or hostile encodings', () => {
    const bad: unknown[] = [
      '',
      ' 1',
      '1 ',
      '+1',
      '01',
      '-0',
      '0x1f',
      '1e5',
      '1.0',
      '１',
      12,
      12n,
      null,
      '-1',
    ];
    for (const v of bad) {
      assert.throws(
        () => parseDecimalBigInt(v, 'field'),
        errCode('INVALID_ENCODING'),
        `should reject ${String(v)}`,
      );
    }
    assert.equal(parseDecimalBigInt('-1', 'field', { allowNegative: true }), -1n);
    assert.throws(
      () => parseDecimalBigInt('-0', 'field', { allowNegative: true }),
      errCode('INVALID_ENCODING'),
    );
    assert.throws(() => parseDecimalBigInt('9'.repeat(2501), 'field'), /too long/);
    assert.throws(
      () => parseDecimalBigInt(`-${'9'.repeat(2501)}`, 'field', { allowNegative: true }),
      /too long/,
    );
    assert.equal(parseDecimalBigInt('9'.repeat(2500), 'field'), 10n ** 2500n - 1n);
    assert.equal(
      parseDecimalBigInt(`-${'9'.repeat(2500)}`, 'field', { allowNegative: true }),
      1n - 10n ** 2500n,
    );
    assert.throws(() => parseDecimalBigInts(['1', '2', '3'], 'list', 2), errCode('INVALID_ENCODING'));
    assert.throws(() => parseDecimalBigInts('1', 'list', 2), errCode('INVALID_ENCODING'));
    assert.throws(() => parseProof({ m: '1' }), /proof.rho is missing/);
    assert.throws(
      () => parseProof(Object.create({ m: '1', rho: '2' }) as unknown),
      errCode('INVALID_ENCODING'),
    );
    assert.throws(() => parseProof([]), errCode('INVALID_ENCODING'));
  });
});
