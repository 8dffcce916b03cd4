import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  BATCH_COEFFICIENT_BITS,
  batchCoefficients,
  checkDecryption,
  checkDecryptionBatch,
  ClaimCryptoError,
  decryptWithProof,
  encryptWithRandomness,
  type BatchEntry,
  type ClaimPrivateKey,
} from '../../src/lib/claim-crypto';
import { TestRng, testKey } from './helpers';

describe('checkDecryptionBatch (one exponentiation for a batch of proofs)', () => {
  let sk: ClaimPrivateKey;
  let n: bigint;
  let batch: BatchEntry[];
  const rng = new TestRng(77);

  before(async () => {
    sk = (await testKey(512)).privateKey;
    n = sk.n;
    // Covered (m = 0) and uncovered claims mixed, as an insurer's backlog would be.
    batch = [0n, 7n, 0n, 123456789n, 0n, 42n].map((m) => {
      const e = encryptWithRandomness(n, m, rng.unit(n));
      return { e, proof: decryptWithProof(sk, e) };
    });
  });

  const withProof = (index: number, change: (entry: BatchEntry) => BatchEntry): BatchEntry[] =>
    batch.map((entry, i) => (i === index ? change(entry) : entry));

  it('accepts a batch of honest proofs, and a batch of one', () => {
    assert.deepEqual(checkDecryptionBatch(n, batch), { valid: true });
    for (const entry of batch) assert.deepEqual(checkDecryptionBatch(n, [entry]), { valid: true });
  });

  it('agrees with the single verifier on random batches with and without one forged entry', () => {
    for (let round = 0; round < 12; round++) {
      const size = 1 + (round % 6);
      const entries = Array.from({ length: size }, () => {
        const e = encryptWithRandomness(n, rng.below(n), rng.unit(n));
        return { e, proof: decryptWithProof(sk, e) };
      });
      if (round % 2 === 1) {
        const victim = round % size;
        const entry = entries[victim] as BatchEntry;
        entries[victim] = { e: entry.e, proof: { m: (entry.proof.m + 1n) % n, rho: entry.proof.rho } };
      }
      const singleVerdicts = entries.map(({ e, proof }) => checkDecryption(n, e, proof).valid);
      assert.equal(checkDecryptionBatch(n, entries).valid, singleVerdicts.every(Boolean), `round ${round}`);
    }
  });

  it('rejects a wrong m (a false "covered"), a wrong ρ, and proofs swapped between claims', () => {
    const falseCovered = withProof(1, ({ e, proof }) => ({ e, proof: { m: 0n, rho: proof.rho } }));
    assert.match(reasonOf(checkDecryptionBatch(n, falseCovered)), /does not match its e/);
    const falseUncovered = withProof(0, ({ e, proof }) => ({ e, proof: { m: 1n, rho: proof.rho } }));
    assert.equal(checkDecryptionBatch(n, falseUncovered).valid, false);
    const wrongRho = withProof(2, ({ e, proof }) => ({ e, proof: { m: proof.m, rho: proof.rho - 1n } }));
    assert.equal(checkDecryptionBatch(n, wrongRho).valid, false);
    const [first, second, ...rest] = batch as [BatchEntry, BatchEntry, ...BatchEntry[]];
    const swapped = [{ e: first.e, proof: second.proof }, { e: second.e, proof: first.proof }, ...rest];
    assert.equal(checkDecryptionBatch(n, swapped).valid, false);
  });

  it('rejects two wrong m that cancel without the coefficients (m1 + d, m2 − d)', () => {
    // An unweighted product check would accept this pair; the hashed coefficients do not.
    const d = 5n;
    const cancelled = batch.map((entry, i) =>
      i === 1
        ? { e: entry.e, proof: { m: entry.proof.m + d, rho: entry.proof.rho } }
        : i === 3
          ? { e: entry.e, proof: { m: entry.proof.m - d, rho: entry.proof.rho } }
          : entry,
    );
    assert.equal(checkDecryptionBatch(n, cancelled).valid, false);
  });

  it('applies every range check to every entry and names the entry', () => {
    const outOfRange = withProof(4, ({ e, proof }) => ({ e, proof: { m: proof.m + n, rho: proof.rho } }));
    const verdict = checkDecryptionBatch(n, outOfRange);
    assert.equal(verdict.valid, false);
    assert.equal(verdict.index, 4);
    assert.match(reasonOf(verdict), /0 ≤ m < n/);
    const notCoprime = withProof(2, ({ e, proof }) => ({ e, proof: { m: proof.m, rho: sk.p } }));
    assert.equal(checkDecryptionBatch(n, notCoprime).index, 2);
    const zeroRho = withProof(0, ({ e }) => ({ e, proof: { m: 0n, rho: 0n } }));
    assert.equal(checkDecryptionBatch(n, zeroRho).index, 0);
    assert.throws(
      () => checkDecryptionBatch(n, []),
      (error: unknown) => error instanceof ClaimCryptoError && error.code === 'INVALID_ARGUMENT',
    );
  });

  it('derives odd 128-bit coefficients that depend on every proof of the batch', () => {
    const coefficients = batchCoefficients(n, batch);
    assert.equal(coefficients.length, batch.length);
    for (const c of coefficients) {
      assert.equal(c & 1n, 1n);
      assert.ok(c < 1n << BigInt(BATCH_COEFFICIENT_BITS));
    }
    assert.equal(new Set(coefficients).size, coefficients.length);
    assert.deepEqual(batchCoefficients(n, batch), coefficients, 'deterministic');
    const changed = withProof(5, ({ e, proof }) => ({ e, proof: { m: proof.m + 1n, rho: proof.rho } }));
    const after = batchCoefficients(n, changed);
    assert.ok(
      after.every((c, i) => c !== coefficients[i]),
      'one changed proof changes every coefficient',
    );
  });
});

function reasonOf(verdict: { valid: boolean; reason?: string }): string {
  return verdict.valid ? '' : (verdict.reason ?? '');
}
