import assert from 'node:assert/strict';
import type { Context } from 'fabric-contract-api';
import { ClaimsContract } from '../../src/contracts/claims';
import { InsuranceContract } from '../../src/contracts/insurance';
import { SupervisionContract } from '../../src/contracts/supervision';
import { stableStringify } from '../../src/lib/canonical-json';
import {
  decryptWithProof,
  encryptPowers,
  icd10Category,
  type ClaimKeyPair,
  type DecryptionProof,
} from '../../src/lib/claim-crypto';
import { TestRng, testKey } from '../claim-crypto/helpers';
import { FakeClientIdentity } from './fake-fabric';
import {
  encounterArgumentList,
  encounterArguments,
  HOSPITAL,
  ids,
  INSURER,
  parseArray,
  PATIENT,
  sha256,
  TestNetwork,
  type EncounterArguments,
} from './network';

export const INSURER_2 = 'Insurer2MSP';
export const KEY_ID = 'key-1';
export const PRODUCT_ID = 'prod-basic';
export const POLICY_ID = 'pol-1';
/** Categories the basic product covers: pneumonia, acute MI, appendicitis. */
export const COVERED_CODES = ['J18', 'I21', 'K35'] as const;
export const UNCOVERED_CODE = 'S72';
/** The encrypted powers stored per record: enough for products of up to 4 categories. */
export const POWERS = 4;

/** Identities the claims part adds (compliance officers, a second insurer, role-admin clients). */
export const claimIds = {
  insurerCompliance: new FakeClientIdentity({
    mspId: INSURER,
    nodeOu: 'client',
    commonName: 'compliance1',
    attributes: { role: 'compliance' },
  }),
  insurerRoleAdmin: new FakeClientIdentity({
    mspId: INSURER,
    nodeOu: 'client',
    commonName: 'insurer-admin1',
    attributes: { role: 'admin' },
  }),
  insurerAuditor: new FakeClientIdentity({
    mspId: INSURER,
    nodeOu: 'client',
    commonName: 'insurer-auditor',
    attributes: { role: 'auditor' },
  }),
  insurer2Admin: new FakeClientIdentity({ mspId: INSURER_2, nodeOu: 'admin', commonName: 'Admin@insurer2' }),
  insurer2Adjuster: new FakeClientIdentity({
    mspId: INSURER_2,
    nodeOu: 'client',
    commonName: 'adjuster2',
    attributes: { role: 'adjuster' },
  }),
  insurer2Compliance: new FakeClientIdentity({
    mspId: INSURER_2,
    nodeOu: 'client',
    commonName: 'compliance2',
    attributes: { role: 'compliance' },
  }),
  hospitalCompliance: new FakeClientIdentity({
    mspId: HOSPITAL,
    nodeOu: 'client',
    commonName: 'hospital-compliance',
    attributes: { role: 'compliance' },
  }),
  regulatorRoleAdmin: new FakeClientIdentity({
    mspId: 'RegulatorMSP',
    nodeOu: 'client',
    commonName: 'regulator-admin1',
    attributes: { role: 'admin' },
  }),
};

export interface ItemInput {
  serviceCode: string;
  quantity: number;
  unitPrice: string;
  serviceDate: string;
}

export function item(overrides: Partial<ItemInput> = {}): ItemInput {
  return { serviceCode: 'SVC-BED', quantity: 1, unitPrice: '10000', serviceDate: '2025-02-11', ...overrides };
}

export interface RecordOptions extends Partial<EncounterArguments> {
  icd10?: string;
  claimKeyId?: string;
  powers?: number;
}

/** The test network plus the Insurance, Claims and Supervision contracts and the insurer's key. */
export class ClaimsNetwork extends TestNetwork {
  readonly insurance = new InsuranceContract();
  readonly claims = new ClaimsContract();
  readonly supervision = new SupervisionContract();
  readonly rng = new TestRng(7);

  private constructor(readonly key: ClaimKeyPair) {
    super();
  }

  get n(): bigint {
    return this.key.publicKey.n;
  }

  /** Consortium with two hospitals and two insurers; 512-bit claim keys allowed (tests only). */
  static async create(): Promise<ClaimsNetwork> {
    const network = new ClaimsNetwork(await testKey(512));
    await network.bootstrap();
    await network.submit(ids.regulatorAdmin, (ctx) =>
      network.consortium.RegisterMember(ctx, INSURER_2, 'insurer', 'Second Insurer'),
    );
    await network.setParams({ claimProtocol: { minClaimKeyBits: 512 } });
    return network;
  }

  /** create() plus key, product (J18, I21, K35), a policy for PATIENT over 2025 and a deposit. */
  static async withInsurance(
    product: Partial<ProductArguments> = {},
    deposit = '10000000',
  ): Promise<ClaimsNetwork> {
    const network = await ClaimsNetwork.create();
    await network.registerKey();
    await network.createProduct(product);
    await network.issuePolicy();
    if (deposit !== '0') {
      await network.submit(ids.insurerAdmin, (ctx) => network.insurance.DepositFunds(ctx, deposit));
    }
    return network;
  }

  async setParams(params: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.submitJson(ids.regulatorAdmin, (ctx) =>
      this.supervision.SetSupervisionParams(ctx, JSON.stringify(params)),
    );
  }

  async registerKey(keyId = KEY_ID, n: bigint = this.n): Promise<Record<string, unknown>> {
    return this.submitJson(ids.insurerAdmin, (ctx) =>
      this.insurance.RegisterClaimKey(ctx, keyId, n.toString()),
    );
  }

  async createProduct(overrides: Partial<ProductArguments> = {}): Promise<Record<string, unknown>> {
    const args = productArguments(overrides);
    return this.submitJson(overrides.caller ?? ids.insurerAdmin, (ctx) =>
      this.insurance.CreateProduct(ctx, ...productArgumentList(args)),
    );
  }

  async issuePolicy(
    policyId = POLICY_ID,
    patient = PATIENT,
    productId = PRODUCT_ID,
    start = '2025-01-01',
    end = '2025-12-31',
  ): Promise<Record<string, unknown>> {
    return this.submitJson(ids.insurerAdmin, (ctx) =>
      this.insurance.IssuePolicy(ctx, policyId, patient, productId, start, end),
    );
  }

  /** The hospital's encrypted powers E(x)..E(x^K) of an ICD-10 code, as the transient JSON. */
  encryptedDiagnosis(icd10: string, claimKeyId = KEY_ID, powers = POWERS): string {
    const { ciphertexts } = encryptPowers(this.n, icd10Category(icd10), powers, (n) => this.rng.unit(n));
    return stableStringify({ claimKeyId, ciphertexts: ciphertexts.map((c) => c.toString()) });
  }

  /** Anchors a record whose private payload encrypts the given diagnosis under the insurer's key. */
  async record(
    caller: FakeClientIdentity = ids.doctor,
    options: RecordOptions = {},
  ): Promise<EncounterArguments> {
    const { icd10 = 'J18', claimKeyId = KEY_ID, powers = POWERS, ...overrides } = options;
    const payload = this.encryptedDiagnosis(icd10, claimKeyId, powers);
    const args = encounterArguments({
      diagnosisTag: sha256(`hmac:${icd10}`),
      ...overrides,
      transientPayload: payload,
      encryptedDiagnosisSha256: sha256(payload),
    });
    await this.submit(caller, (ctx) => this.records.RecordEncounter(ctx, ...encounterArgumentList(args)), {
      transient: { encryptedDiagnosis: args.transientPayload },
    });
    return args;
  }

  async fileClaim(
    claimId: string,
    options: {
      caller?: FakeClientIdentity;
      recordId?: string;
      policyId?: string;
      items?: ItemInput[];
      blind?: string;
    } = {},
  ): Promise<Record<string, unknown>> {
    const { caller = ids.doctor, recordId = 'rec-001', policyId = POLICY_ID, items = [item()] } = options;
    const blind = options.blind ?? this.rng.unit(this.n).toString();
    return this.submitJson(
      caller,
      (ctx) => this.claims.FileClaim(ctx, claimId, recordId, policyId, JSON.stringify(items)),
      { transient: { claimBlind: blind } },
    );
  }

  async getClaim(
    claimId: string,
    caller: FakeClientIdentity = ids.regulatorAuditor,
  ): Promise<Record<string, unknown>> {
    const claim = await this.evaluate(caller, (ctx) => this.claims.GetClaim(ctx, claimId));
    assert.ok(typeof claim === 'object' && claim !== null);
    return claim as Record<string, unknown>;
  }

  /** The insurer console's step: decrypt the claim's e and recover ρ. */
  async proofFor(claimId: string): Promise<DecryptionProof> {
    const claim = await this.getClaim(claimId, ids.insurerAdjuster);
    return decryptWithProof(this.key.privateKey, BigInt(claim.encryptedEligibility as string));
  }

  async adjudicate(
    claimId: string,
    caller: FakeClientIdentity = ids.insurerAdjuster,
  ): Promise<Record<string, unknown>> {
    const proof = await this.proofFor(claimId);
    return this.submitJson(caller, (ctx) =>
      this.claims.AdjudicateClaim(ctx, claimId, proof.m.toString(), proof.rho.toString()),
    );
  }

  async balance(mspId: string): Promise<bigint> {
    const account = await this.evaluate(ids.regulatorAuditor, (ctx) =>
      this.insurance.GetFundAccount(ctx, mspId),
    );
    return BigInt((account as Record<string, unknown>).balance as string);
  }

  async alertsOf(claimId: string): Promise<Record<string, unknown>[]> {
    return parseArray(
      await this.evaluate(ids.regulatorAuditor, (ctx) =>
        this.supervision.ListSupervisionAlertsByClaim(ctx, claimId),
      ),
    );
  }

  /** Runs a submit that must be refused; returns nothing (expectRejected checks nothing was written). */
  async refused(
    caller: FakeClientIdentity,
    invoke: (ctx: Context) => Promise<unknown>,
    message: RegExp,
    transient?: Record<string, string>,
  ): Promise<void> {
    await this.expectRejected(caller, invoke, message, transient === undefined ? {} : { transient });
  }
}

export interface ProductArguments {
  productId: string;
  name: string;
  coveredCategories: string;
  annualLimit: string;
  deductible: string;
  coinsuranceBps: string;
  validFrom: string;
  validTo: string;
  claimKeyId: string;
  caller?: FakeClientIdentity;
}

export function productArguments(overrides: Partial<ProductArguments> = {}): ProductArguments {
  return {
    productId: PRODUCT_ID,
    name: 'Basic hospital cover',
    coveredCategories: JSON.stringify(COVERED_CODES.map((code) => icd10Category(code))),
    annualLimit: '5000000',
    deductible: '0',
    coinsuranceBps: '0',
    validFrom: '2025-01-01',
    validTo: '2025-12-31',
    claimKeyId: KEY_ID,
    ...overrides,
  };
}

export function productArgumentList(
  args: ProductArguments,
): [string, string, string, string, string, string, string, string, string] {
  return [
    args.productId,
    args.name,
    args.coveredCategories,
    args.annualLimit,
    args.deductible,
    args.coinsuranceBps,
    args.validFrom,
    args.validTo,
    args.claimKeyId,
  ];
}
