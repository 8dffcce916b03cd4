// The two secrets of the claim protocol (DESIGN §7), kept in the console's encrypted keystore:
// the insurer's Paillier private key (p, q never leave it) and, for the hospital, each encounter's
// diagnosis opening (x and the randomness of every encrypted power) so it can be opened to an
// auditor later.
import {
  encryptPowers,
  generateClaimKeyPair,
  icd10Category,
  openPowers,
  parseDecimalBigInt,
  parsePrivateKey,
  serializePrivateKey,
  bigintsToDecimal,
  parseDecimalBigInts,
  K_MAX,
  type ClaimPrivateKey,
} from '../../../chaincode/src/lib/claim-crypto';
import { canonicalBytes } from '../../../chaincode/src/lib/canonical-json';
import { createHash } from 'node:crypto';
import type { EncryptedKeystore } from '../pki';

export interface StoredClaimKey {
  keyId: string;
  privateKey: ClaimPrivateKey;
}

const activeKeyName = (insurerMspId: string): string => `claims/${insurerMspId}/active-key`;
const keyName = (insurerMspId: string, keyId: string): string => `claims/${insurerMspId}/keys/${keyId}`;

/** The insurer's claim keys: generated here, registered on chain by the caller, stored encrypted. */
export class InsurerClaimKeys {
  constructor(
    private readonly keystore: EncryptedKeystore,
    readonly insurerMspId: string,
  ) {}

  async active(): Promise<StoredClaimKey | undefined> {
    if (!(await this.keystore.has(activeKeyName(this.insurerMspId)))) return undefined;
    const keyId = await this.keystore.get(activeKeyName(this.insurerMspId));
    return { keyId, privateKey: await this.get(keyId) };
  }

  async get(keyId: string): Promise<ClaimPrivateKey> {
    const json = JSON.parse(await this.keystore.get(keyName(this.insurerMspId, keyId))) as unknown;
    return parsePrivateKey(json);
  }

  /** Generates a new key pair (g = n+1, p and q kept) and makes it the active one. */
  async rotate(keyId: string, bits = 2048): Promise<StoredClaimKey> {
    const pair = await generateClaimKeyPair(bits);
    await this.keystore.putSecret(
      keyName(this.insurerMspId, keyId),
      JSON.stringify(serializePrivateKey(pair.privateKey)),
    );
    await this.keystore.putSecret(activeKeyName(this.insurerMspId), keyId);
    return { keyId, privateKey: pair.privateKey };
  }
}

export interface SealedDiagnosis {
  /** Transient-map value `encryptedDiagnosis` for Records:RecordEncounter. */
  transient: Buffer;
  /** SHA-256 (hex) of the transient bytes: the `encryptedDiagnosisSha256` argument. */
  sha256: string;
  category: number;
}

interface DiagnosisOpening {
  recordId: string;
  claimKeyId: string;
  n: string;
  x: number;
  randomness: string[];
  ciphertexts: string[];
}

const openingName = (hospitalMspId: string, recordId: string): string =>
  `claims/${hospitalMspId}/openings/${recordId}`;

/** The hospital's side: encrypt an encounter's diagnosis under the insurer's key and keep the opening. */
export class HospitalDiagnosisVault {
  constructor(
    private readonly keystore: EncryptedKeystore,
    readonly hospitalMspId: string,
  ) {}

  async seal(opts: {
    recordId: string;
    icd10Code: string;
    insurerModulus: bigint;
    claimKeyId: string;
    powers: number;
  }): Promise<SealedDiagnosis> {
    const category = icd10Category(opts.icd10Code);
    const { ciphertexts, randomness } = encryptPowers(opts.insurerModulus, category, opts.powers);
    const payload = { claimKeyId: opts.claimKeyId, ciphertexts: bigintsToDecimal(ciphertexts) };
    const transient = canonicalBytes(payload);
    const opening: DiagnosisOpening = {
      recordId: opts.recordId,
      claimKeyId: opts.claimKeyId,
      n: opts.insurerModulus.toString(),
      x: category,
      randomness: bigintsToDecimal(randomness),
      ciphertexts: payload.ciphertexts,
    };
    // Kept before the record is submitted: an encounter on the ledger is never without its opening.
    await this.keystore.putSecret(openingName(this.hospitalMspId, opts.recordId), JSON.stringify(opening));
    return { transient, sha256: createHash('sha256').update(transient).digest('hex'), category };
  }

  /** For an auditor: the diagnosis category and a check that it matches the committed powers. */
  async open(recordId: string): Promise<{ category: number; consistent: boolean }> {
    const opening = JSON.parse(
      await this.keystore.get(openingName(this.hospitalMspId, recordId)),
    ) as DiagnosisOpening;
    const consistent = openPowers(
      parseDecimalBigInt(opening.n, 'n'),
      opening.x,
      parseDecimalBigInts(opening.ciphertexts, 'ciphertexts', K_MAX),
      parseDecimalBigInts(opening.randomness, 'randomness', K_MAX),
    );
    return { category: opening.x, consistent };
  }
}
