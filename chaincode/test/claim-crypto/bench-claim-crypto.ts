/**
 * Micro-benchmark of the claim eligibility protocol (not a test). Reports medians in ms and the
 * chaincode's costs in units of one modPow(ρ, n, n²), the verifier's reference operation.
 * Targets at k = 16: filing ≤ 2 units, adjudication ≤ 1.2 units.
 *
 * Library use: `await runClaimCryptoBench({ bits: 2048, ks: [8, 16, 32], iterations: 5 })`.
 * CLI: `node dist/test/claim-crypto/bench-claim-crypto.js [--bits 2048] [--ks 8,16,32] [--iterations 5]`
 * prints a table and the JSON result.
 */
import { performance } from 'node:perf_hooks';
import { modPow as bcuModPow } from 'bigint-crypto-utils';
import {
  blind,
  coveragePolynomial,
  decryptWithProof,
  encryptPowers,
  evaluateEncryptedPolynomial,
  generateClaimKeyPair,
  modPow,
  randomUnit,
  verifyDecryption,
} from '../../src/lib/claim-crypto';

export interface ClaimCryptoBenchOptions {
  readonly bits?: number;
  readonly ks?: readonly number[];
  readonly iterations?: number;
}

export interface ClaimCryptoBenchK {
  readonly k: number;
  /** The modPow(ρ, n, n²) unit measured during this k's iterations (the divisor of *Units). */
  readonly unitMs: number;
  /** evaluateEncryptedPolynomial alone. */
  readonly evaluateMs: number;
  /** blind alone (one full exponentiation by r). */
  readonly blindMs: number;
  /** The chaincode's filing work: evaluateEncryptedPolynomial + blind. */
  readonly filingMs: number;
  readonly filingUnits: number;
  /** The chaincode's adjudication work: verifyDecryption of this claim's proof. */
  readonly adjudicationMs: number;
  readonly adjudicationUnits: number;
  /** The insurer console's decryptWithProof of this claim. */
  readonly decryptWithProofMs: number;
  readonly decryptWithProofUnits: number;
}

export interface ClaimCryptoBenchResult {
  readonly bits: number;
  readonly iterations: number;
  readonly node: string;
  /** One modPow(ρ, n, n²) with this library's sliding window: the cost unit. */
  readonly modPowUnitMs: number;
  /** The same with bigint-crypto-utils (paillier-bigint's path), for comparison. */
  readonly referenceModPowMs: number;
  readonly verifyDecryptionMs: number;
  readonly decryptWithProofMs: number;
  readonly perK: readonly ClaimCryptoBenchK[];
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

function time<T>(f: () => T): [number, T] {
  const start = performance.now();
  const value = f();
  return [performance.now() - start, value];
}

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** k distinct categories in [1, 2600] that do not include `exclude`, spread deterministically. */
function categoriesAvoiding(k: number, exclude: number): number[] {
  const out: number[] = [];
  for (let i = 0; out.length < k; i++) {
    const c = 1 + ((i * 2593 + 17) % 2600);
    if (c !== exclude && !out.includes(c)) out.push(c);
  }
  return out;
}

export async function runClaimCryptoBench(
  options: ClaimCryptoBenchOptions = {},
): Promise<ClaimCryptoBenchResult> {
  const bits = options.bits ?? 2048;
  const ks = options.ks ?? [8, 16, 32];
  const iterations = Math.max(1, options.iterations ?? 5);
  const { privateKey: sk } = await generateClaimKeyPair(bits);
  const n = sk.n;
  const n2 = n * n;
  const K = Math.max(...ks);
  const x = 946; // J45: the diagnosis; products below cover it for half the claims
  const { ciphertexts } = encryptPowers(n, x, K);

  const unit: number[] = [];
  const reference: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const rho = randomUnit(n);
    const [t1, a] = time(() => modPow(rho, n, n2));
    const [t2, b] = time(() => bcuModPow(rho, n, n2));
    if (a !== b) throw new Error('modPow disagrees with bigint-crypto-utils');
    unit.push(t1);
    reference.push(t2);
  }
  const modPowUnitMs = median(unit);

  const allVerify: number[] = [];
  const allDecrypt: number[] = [];
  const perK: ClaimCryptoBenchK[] = [];
  for (const k of ks) {
    const evalT: number[] = [];
    const blindT: number[] = [];
    const verifyT: number[] = [];
    const decryptT: number[] = [];
    // A unit measured alongside each iteration, so the ratios hold up on a loaded machine.
    const localUnit: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const rho = randomUnit(n);
      localUnit.push(time(() => modPow(rho, n, n2))[0]);
      const cats = categoriesAvoiding(k, x);
      if (i % 2 === 0) cats[k - 1] = x; // alternate covered / uncovered claims
      const coeffs = coveragePolynomial(cats);
      const r = randomUnit(n);
      const [te, c] = time(() => evaluateEncryptedPolynomial(n, coeffs, ciphertexts));
      const [tb, e] = time(() => blind(n, c, r));
      const [td, proof] = time(() => decryptWithProof(sk, e));
      const [tv, ok] = time(() => verifyDecryption(n, e, proof));
      if (!ok || (proof.m === 0n) !== (i % 2 === 0)) throw new Error(`wrong outcome at k=${k}`);
      evalT.push(te);
      blindT.push(tb);
      decryptT.push(td);
      verifyT.push(tv);
    }
    allVerify.push(...verifyT);
    allDecrypt.push(...decryptT);
    const filing = evalT.map((t, i) => t + (blindT[i] ?? 0));
    const kUnit = median(localUnit);
    perK.push({
      k,
      unitMs: round(kUnit),
      evaluateMs: round(median(evalT)),
      blindMs: round(median(blindT)),
      filingMs: round(median(filing)),
      filingUnits: round(median(filing) / kUnit),
      adjudicationMs: round(median(verifyT)),
      adjudicationUnits: round(median(verifyT) / kUnit),
      decryptWithProofMs: round(median(decryptT)),
      decryptWithProofUnits: round(median(decryptT) / kUnit),
    });
  }
  return {
    bits,
    iterations,
    node: process.version,
    modPowUnitMs: round(modPowUnitMs),
    referenceModPowMs: round(median(reference)),
    verifyDecryptionMs: round(median(allVerify)),
    decryptWithProofMs: round(median(allDecrypt)),
    perK,
  };
}

function argValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const bits = Number(argValue(args, '--bits') ?? 2048);
  const ks = (argValue(args, '--ks') ?? '8,16,32').split(',').map(Number);
  const iterations = Number(argValue(args, '--iterations') ?? 5);
  const result = await runClaimCryptoBench({ bits, ks, iterations });
  console.log(
    `claim-crypto ${result.bits}-bit, ${result.iterations} iterations, ${result.node}: ` +
      `modPow unit ${result.modPowUnitMs} ms (bigint-crypto-utils ${result.referenceModPowMs} ms), ` +
      `verifyDecryption ${result.verifyDecryptionMs} ms, decryptWithProof ${result.decryptWithProofMs} ms`,
  );
  console.table(result.perK);
  console.log(JSON.stringify(result, null, 2));
}

if (typeof require !== 'undefined' && require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
