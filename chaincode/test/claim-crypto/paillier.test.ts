import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  ClaimCryptoError,
  ClaimKeyPair,
  ClaimPrivateKey,
  decryptWithProof,
  encryptPowers,
  encryptWithRandomness,
  generateClaimKeyPair,
  openPowers,
  parsePrivateKey,
  publicKeyFromN,
  randomUnit,
  serializePrivateKey,
  toPaillierKeys,
  validatePrivateKey,
  verifyDecryption,
} from '../../src/lib/claim-crypto';
import { TestRng, testKey } from './helpers';
import { tbDecrypt, tbEncrypt, tbKey, tbRecoverRho, TextbookKey } from './textbook';

const errCode =
  (code: string) =>
  (err: unknown): boolean =>
    err instanceof ClaimCryptoError && err.code === code;

describe('keys', () => {
  let kp: ClaimKeyPair;
  before(async () => {
    kp = await testKey(512);
  });

  it('generates g = n+1 keys with p, q kept', () => {
    const { publicKey, privateKey } = kp;
    assert.equal(publicKey.n, privateKey.p * privateKey.q);
    assert.equal(publicKey.g, publicKey.n + 1n);
    assert.equal(publicKey.n2, publicKey.n * publicKey.n);
    assert.equal(publicKey.n.toString(2).length, 512);
    assert.deepEqual(publicKeyFromN(publicKey.n), publicKey);
  });

  it('serialises the private key as decimal strings and parses it back', () => {
    const json = JSON.parse(JSON.stringify(serializePrivateKey(kp.privateKey))) as unknown;
    assert.match((json as { n: string }).n, /^[1-9][0-9]+$/);
    assert.deepEqual(parsePrivateKey(json), kp.privateKey);
    assert.throws(() => parsePrivateKey({ n: '0x10', p: '1', q: '1' }), errCode('INVALID_ENCODING'));
    assert.throws(() => parsePrivateKey({ n: kp.privateKey.n.toString() }), errCode('INVALID_ENCODING'));
    const swapped = {
      n: kp.privateKey.n.toString(),
      p: kp.privateKey.p.toString(),
      q: (kp.privateKey.q + 2n).toString(),
    };
    assert.throws(() => parsePrivateKey(swapped), errCode('INVALID_PRIVATE_KEY'));
  });

  it('rejects malformed private keys and moduli', async () => {
    const { n, p, q } = kp.privateKey;
    assert.throws(() => validatePrivateKey({ n, p: n, q: 1n }), errCode('INVALID_PRIVATE_KEY'));
    assert.throws(() => validatePrivateKey({ n: n + 2n, p, q }), errCode('INVALID_PRIVATE_KEY'));
    assert.throws(() => publicKeyFromN(n + 1n), errCode('INVALID_MODULUS'));
    assert.throws(() => publicKeyFromN((1n << 100n) | 1n), errCode('INVALID_MODULUS'));
    assert.throws(() => publicKeyFromN((1n << 5000n) + 1n), errCode('INVALID_MODULUS'));
    assert.throws(() => publicKeyFromN(-n), errCode('INVALID_MODULUS'));
    await assert.rejects(() => generateClaimKeyPair(100), errCode('INVALID_ARGUMENT'));
  });
});

describe('encryption and decryption, cross-checked with the textbook implementation', () => {
  let sk: ClaimPrivateKey;
  let n: bigint;
  let tb: TextbookKey;
  const rng = new TestRng(11);
  before(async () => {
    sk = (await testKey(512)).privateKey;
    n = sk.n;
    tb = tbKey(sk.p, sk.q);
  });

  it('optimised encrypt → textbook decrypt and textbook ρ recovery', () => {
    for (let i = 0; i < 40; i++) {
      const m = i < 3 ? ([0n, 1n, n - 1n][i] ?? 0n) : rng.below(n);
      const rho = rng.unit(n);
      const c = encryptWithRandomness(n, m, rho);
      assert.equal(c, tbEncrypt(tb, m, rho), 'same ciphertext as g^m·ρ^n');
      assert.equal(tbDecrypt(tb, c), m);
      assert.equal(tbRecoverRho(tb, c), rho);
    }
  });

  it('textbook encrypt → optimised CRT decryptWithProof recovers m and ρ', () => {
    for (let i = 0; i < 40; i++) {
      const m = i === 0 ? 0n : rng.below(n);
      const rho = rng.unit(n);
      const c = tbEncrypt(tb, m, rho);
      const proof = decryptWithProof(sk, c);
      assert.equal(proof.m, m);
      assert.equal(proof.rho, rho);
      assert.equal(verifyDecryption(n, c, proof), true);
    }
  });

  it('CRT ρ equals paillier-bigint getRandomFactor and decrypt', () => {
    const { publicKey, privateKey } = toPaillierKeys(sk);
    for (let i = 0; i < 20; i++) {
      const m = rng.below(n);
      const c = publicKey.encrypt(m);
      const proof = decryptWithProof(sk, c);
      assert.equal(proof.m, privateKey.decrypt(c));
      assert.equal(proof.rho, privateKey.getRandomFactor(c));
      assert.equal(proof.m, m);
    }
  });

  it('encrypts negative plaintexts as their residue mod n', () => {
    const rho = rng.unit(n);
    assert.equal(encryptWithRandomness(n, -5n, rho), encryptWithRandomness(n, n - 5n, rho));
  });

  it('rejects invalid randomness and ciphertexts', () => {
    assert.throws(() => encryptWithRandomness(n, 1n, 0n), errCode('INVALID_RANDOMNESS'));
    assert.throws(() => encryptWithRandomness(n, 1n, n), errCode('INVALID_RANDOMNESS'));
    assert.throws(() => encryptWithRandomness(n, 1n, sk.p), errCode('INVALID_RANDOMNESS'));
    assert.throws(() => decryptWithProof(sk, 0n), errCode('INVALID_CIPHERTEXT'));
    assert.throws(() => decryptWithProof(sk, n * n), errCode('INVALID_CIPHERTEXT'));
    assert.throws(() => decryptWithProof(sk, sk.q * 12345n), errCode('INVALID_CIPHERTEXT'));
  });

  it('randomUnit returns units below n (client side CSPRNG)', () => {
    const seen = new Set<bigint>();
    for (let i = 0; i < 20; i++) {
      const r = randomUnit(n);
      assert.ok(r > 0n && r < n);
      seen.add(r);
    }
    assert.equal(seen.size, 20);
  });
});

describe('encryptPowers and openPowers', () => {
  let sk: ClaimPrivateKey;
  let n: bigint;
  let tb: TextbookKey;
  const rng = new TestRng(13);
  before(async () => {
    sk = (await testKey(512)).privateKey;
    n = sk.n;
    tb = tbKey(sk.p, sk.q);
  });

  it('encrypts x, x², …, x^K with fresh randomness, opened by the auditor', () => {
    const x = 946; // J45
    const { ciphertexts, randomness } = encryptPowers(n, x, 8, (m) => rng.unit(m));
    assert.equal(ciphertexts.length, 8);
    assert.equal(new Set(randomness).size, 8);
    ciphertexts.forEach((c, i) => {
      assert.equal(tbDecrypt(tb, c), BigInt(x) ** BigInt(i + 1) % n);
      assert.equal(tbRecoverRho(tb, c), randomness[i]);
    });
    assert.equal(openPowers(n, x, ciphertexts, randomness), true);
    assert.equal(openPowers(n, x + 1, ciphertexts, randomness), false, 'wrong diagnosis');
    const tampered = [...ciphertexts];
    tampered[3] = ciphertexts[4] ?? 0n;
    assert.equal(openPowers(n, x, tampered, randomness), false, 'swapped ciphertext');
    assert.equal(openPowers(n, x, ciphertexts, [...randomness].reverse()), false, 'wrong randomness');
    assert.equal(openPowers(n, x, ciphertexts.slice(1), randomness.slice(1)), false, 'shifted powers');
    assert.equal(openPowers(n, x, ciphertexts, randomness.slice(1)), false, 'length mismatch');
    assert.equal(openPowers(n, x, [], []), false);
    assert.equal(openPowers(n, 0, ciphertexts, randomness), false);
  });

  it('uses the default K = 32 and the CSPRNG by default', () => {
    const { ciphertexts, randomness } = encryptPowers(n, 1);
    assert.equal(ciphertexts.length, 32);
    assert.equal(openPowers(n, 1, ciphertexts, randomness), true);
  });

  it('validates x, K and the injected randomness', () => {
    assert.throws(() => encryptPowers(n, 0, 4), errCode('INVALID_CATEGORY'));
    assert.throws(() => encryptPowers(n, 2601, 4), errCode('INVALID_CATEGORY'));
    assert.throws(() => encryptPowers(n, 1.5, 4), errCode('INVALID_CATEGORY'));
    assert.throws(() => encryptPowers(n, 5, 0), errCode('INVALID_ARGUMENT'));
    assert.throws(() => encryptPowers(n, 5, 65), errCode('INVALID_ARGUMENT'));
    assert.throws(() => encryptPowers(n, 5, 4, () => 0n), errCode('INVALID_RANDOMNESS'));
    assert.throws(() => encryptPowers(n, 5, 4, () => sk.p), errCode('INVALID_RANDOMNESS'));
  });
});
