import { Object as FabricObject, Property } from 'fabric-contract-api';
import { CATEGORY_MAX, CATEGORY_MIN, K_MAX } from '../lib/claim-crypto';
import { InvalidInputError } from '../lib/errors';
import { requireAmount, requireDate, requireSignedAmount } from '../lib/money';
import {
  LIMITS,
  requireArray,
  requireDecimal,
  requireEnum,
  requireId,
  requireInteger,
  requireMspId,
  requireNullable,
  requireObject,
  requireString,
  requireText,
  requireTimestamp,
} from '../lib/validation';

/** A signed decimal (polynomial coefficient): canonical, bounded. */
const SIGNED_DECIMAL_PATTERN = /^(0|-?[1-9][0-9]{0,1233})$/;

export const CLAIM_KEY_STATUSES = ['active', 'retired'] as const;
export type ClaimKeyStatus = (typeof CLAIM_KEY_STATUSES)[number];

/** An insurer's Paillier public key (DESIGN §7 step 1): only n is on chain; g = n + 1. */
@FabricObject()
export class ClaimKey {
  @Property('insurerMspId', 'string') public insurerMspId: string;
  @Property('keyId', 'string') public keyId: string;
  /** 1 for the insurer's first key, previous + 1 for each rotation. */
  @Property('version', 'number') public version: number;
  /** The modulus n, decimal. */
  @Property('n', 'string') public n: string;
  @Property('bits', 'number') public bits: number;
  @Property('status', 'string') public status: ClaimKeyStatus;
  @Property('registeredAt', 'string') public registeredAt: string;
  @Property('registeredBy', 'string') public registeredBy: string;
  /** Null while active. */
  @Property('retiredAt', 'string') public retiredAt: string | null;
  @Property('txId', 'string') public txId: string;

  constructor(fields: ClaimKey) {
    this.insurerMspId = fields.insurerMspId;
    this.keyId = fields.keyId;
    this.version = fields.version;
    this.n = fields.n;
    this.bits = fields.bits;
    this.status = fields.status;
    this.registeredAt = fields.registeredAt;
    this.registeredBy = fields.registeredBy;
    this.retiredAt = fields.retiredAt;
    this.txId = fields.txId;
  }

  static decode(value: unknown): ClaimKey {
    const object = requireObject(value, 'claimKey', [
      'insurerMspId',
      'keyId',
      'version',
      'n',
      'bits',
      'status',
      'registeredAt',
      'registeredBy',
      'retiredAt',
      'txId',
    ]);
    return new ClaimKey({
      insurerMspId: requireMspId(object.insurerMspId, 'claimKey.insurerMspId'),
      keyId: requireId(object.keyId, 'claimKey.keyId'),
      version: requireInteger(object.version, 'claimKey.version', 1),
      n: requireDecimal(object.n, 'claimKey.n', LIMITS.ciphertextDigits),
      bits: requireInteger(object.bits, 'claimKey.bits', 1),
      status: requireEnum(object.status, 'claimKey.status', CLAIM_KEY_STATUSES),
      registeredAt: requireTimestamp(object.registeredAt, 'claimKey.registeredAt'),
      registeredBy: requireString(object.registeredBy, 'claimKey.registeredBy'),
      retiredAt: requireNullable(object.retiredAt, (at) => requireTimestamp(at, 'claimKey.retiredAt')),
      txId: requireId(object.txId, 'claimKey.txId'),
    });
  }
}

/** Decodes a list of covered ICD-10 category numbers (integers 1..2600, distinct), sorted ascending. */
export function requireCategories(value: unknown, field: string, maxCategories: number): number[] {
  const list = requireArray(value, field, K_MAX);
  if (list.length === 0) {
    throw new InvalidInputError(`${field} must list at least one ICD-10 category`);
  }
  if (list.length > maxCategories) {
    throw new InvalidInputError(
      `${field} lists ${list.length} categories; the network allows at most K = ${maxCategories}`,
    );
  }
  const categories = list.map((category, index) => {
    if (
      typeof category !== 'number' ||
      !Number.isInteger(category) ||
      category < CATEGORY_MIN ||
      category > CATEGORY_MAX
    ) {
      throw new InvalidInputError(
        `${field}[${index}] must be an integer ICD-10 category number in [${CATEGORY_MIN}, ${CATEGORY_MAX}]`,
      );
    }
    return category;
  });
  const duplicate = categories.find((category, index) => categories.indexOf(category) !== index);
  if (duplicate !== undefined) {
    throw new InvalidInputError(`${field} lists category ${duplicate} more than once`);
  }
  return [...categories].sort((left, right) => left - right);
}

/** An insurance product (FHIR InsurancePlan) with its coverage polynomial (DESIGN §7 step 3). */
@FabricObject()
export class Product {
  @Property('productId', 'string') public productId: string;
  @Property('insurerMspId', 'string') public insurerMspId: string;
  @Property('name', 'string') public name: string;
  /** ICD-10 category numbers (A00 → 1 … Z99 → 2600), ascending. */
  @Property('coveredCategories', 'number[]') public coveredCategories: number[];
  /** a_0..a_k of P(t) = ∏(t − c_i), lowest degree first, signed decimal strings. */
  @Property('coverageCoefficients', 'string[]') public coverageCoefficients: string[];
  /** Minor units per patient per policy year. */
  @Property('annualLimit', 'string') public annualLimit: string;
  /** Minor units per patient per policy year. */
  @Property('deductible', 'string') public deductible: string;
  /** The patient's share after the deductible, in basis points (0..10000). */
  @Property('coinsuranceBps', 'number') public coinsuranceBps: number;
  /** Policies may start within [validFrom, validTo] (dates, inclusive). */
  @Property('validFrom', 'string') public validFrom: string;
  @Property('validTo', 'string') public validTo: string;
  @Property('claimKeyId', 'string') public claimKeyId: string;
  @Property('createdAt', 'string') public createdAt: string;
  @Property('createdBy', 'string') public createdBy: string;
  @Property('txId', 'string') public txId: string;

  constructor(fields: Product) {
    this.productId = fields.productId;
    this.insurerMspId = fields.insurerMspId;
    this.name = fields.name;
    this.coveredCategories = fields.coveredCategories;
    this.coverageCoefficients = fields.coverageCoefficients;
    this.annualLimit = fields.annualLimit;
    this.deductible = fields.deductible;
    this.coinsuranceBps = fields.coinsuranceBps;
    this.validFrom = fields.validFrom;
    this.validTo = fields.validTo;
    this.claimKeyId = fields.claimKeyId;
    this.createdAt = fields.createdAt;
    this.createdBy = fields.createdBy;
    this.txId = fields.txId;
  }

  static decode(value: unknown): Product {
    const object = requireObject(value, 'product', [
      'productId',
      'insurerMspId',
      'name',
      'coveredCategories',
      'coverageCoefficients',
      'annualLimit',
      'deductible',
      'coinsuranceBps',
      'validFrom',
      'validTo',
      'claimKeyId',
      'createdAt',
      'createdBy',
      'txId',
    ]);
    const coefficients = requireArray(
      object.coverageCoefficients,
      'product.coverageCoefficients',
      K_MAX + 1,
    ).map((coefficient, index) => {
      const text = requireString(coefficient, `product.coverageCoefficients[${index}]`);
      if (!SIGNED_DECIMAL_PATTERN.test(text)) {
        throw new InvalidInputError(`product.coverageCoefficients[${index}] must be a signed decimal`);
      }
      return text;
    });
    return new Product({
      productId: requireId(object.productId, 'product.productId'),
      insurerMspId: requireMspId(object.insurerMspId, 'product.insurerMspId'),
      name: requireText(object.name, 'product.name', LIMITS.displayNameLength),
      coveredCategories: requireCategories(object.coveredCategories, 'product.coveredCategories', K_MAX),
      coverageCoefficients: coefficients,
      annualLimit: requireAmount(object.annualLimit, 'product.annualLimit'),
      deductible: requireAmount(object.deductible, 'product.deductible'),
      coinsuranceBps: requireBasisPoints(object.coinsuranceBps, 'product.coinsuranceBps'),
      validFrom: requireDate(object.validFrom, 'product.validFrom'),
      validTo: requireDate(object.validTo, 'product.validTo'),
      claimKeyId: requireId(object.claimKeyId, 'product.claimKeyId'),
      createdAt: requireTimestamp(object.createdAt, 'product.createdAt'),
      createdBy: requireString(object.createdBy, 'product.createdBy'),
      txId: requireId(object.txId, 'product.txId'),
    });
  }
}

export function requireBasisPoints(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 10_000) {
    throw new InvalidInputError(`${field} must be an integer number of basis points in [0, 10000]`);
  }
  return value;
}

export const POLICY_STATUSES = ['active'] as const;
export type PolicyStatus = (typeof POLICY_STATUSES)[number];

/** A policy (FHIR Coverage): one patient, one product, a coverage period (dates, inclusive). */
@FabricObject()
export class Policy {
  @Property('policyId', 'string') public policyId: string;
  @Property('insurerMspId', 'string') public insurerMspId: string;
  @Property('patientPseudonym', 'string') public patientPseudonym: string;
  @Property('productId', 'string') public productId: string;
  @Property('periodStart', 'string') public periodStart: string;
  @Property('periodEnd', 'string') public periodEnd: string;
  @Property('status', 'string') public status: PolicyStatus;
  @Property('issuedAt', 'string') public issuedAt: string;
  @Property('issuedBy', 'string') public issuedBy: string;
  @Property('txId', 'string') public txId: string;

  constructor(fields: Policy) {
    this.policyId = fields.policyId;
    this.insurerMspId = fields.insurerMspId;
    this.patientPseudonym = fields.patientPseudonym;
    this.productId = fields.productId;
    this.periodStart = fields.periodStart;
    this.periodEnd = fields.periodEnd;
    this.status = fields.status;
    this.issuedAt = fields.issuedAt;
    this.issuedBy = fields.issuedBy;
    this.txId = fields.txId;
  }

  static decode(value: unknown): Policy {
    const object = requireObject(value, 'policy', [
      'policyId',
      'insurerMspId',
      'patientPseudonym',
      'productId',
      'periodStart',
      'periodEnd',
      'status',
      'issuedAt',
      'issuedBy',
      'txId',
    ]);
    return new Policy({
      policyId: requireId(object.policyId, 'policy.policyId'),
      insurerMspId: requireMspId(object.insurerMspId, 'policy.insurerMspId'),
      patientPseudonym: requireId(object.patientPseudonym, 'policy.patientPseudonym'),
      productId: requireId(object.productId, 'policy.productId'),
      periodStart: requireDate(object.periodStart, 'policy.periodStart'),
      periodEnd: requireDate(object.periodEnd, 'policy.periodEnd'),
      status: requireEnum(object.status, 'policy.status', POLICY_STATUSES),
      issuedAt: requireTimestamp(object.issuedAt, 'policy.issuedAt'),
      issuedBy: requireString(object.issuedBy, 'policy.issuedBy'),
      txId: requireId(object.txId, 'policy.txId'),
    });
  }
}

/** What one patient has used of a policy in one policy year (deductible met, benefit paid). */
@FabricObject()
export class BenefitUsage {
  @Property('policyId', 'string') public policyId: string;
  @Property('patientPseudonym', 'string') public patientPseudonym: string;
  @Property('policyYear', 'number') public policyYear: number;
  @Property('deductibleMet', 'string') public deductibleMet: string;
  /** Benefit granted (paid or payable) so far, counted against the annual limit. */
  @Property('benefitUsed', 'string') public benefitUsed: string;
  @Property('claimCount', 'number') public claimCount: number;
  @Property('updatedAt', 'string') public updatedAt: string;

  constructor(fields: BenefitUsage) {
    this.policyId = fields.policyId;
    this.patientPseudonym = fields.patientPseudonym;
    this.policyYear = fields.policyYear;
    this.deductibleMet = fields.deductibleMet;
    this.benefitUsed = fields.benefitUsed;
    this.claimCount = fields.claimCount;
    this.updatedAt = fields.updatedAt;
  }

  static decode(value: unknown): BenefitUsage {
    const object = requireObject(value, 'benefitUsage', [
      'policyId',
      'patientPseudonym',
      'policyYear',
      'deductibleMet',
      'benefitUsed',
      'claimCount',
      'updatedAt',
    ]);
    return new BenefitUsage({
      policyId: requireId(object.policyId, 'benefitUsage.policyId'),
      patientPseudonym: requireId(object.patientPseudonym, 'benefitUsage.patientPseudonym'),
      policyYear: requireInteger(object.policyYear, 'benefitUsage.policyYear', 0),
      deductibleMet: requireAmount(object.deductibleMet, 'benefitUsage.deductibleMet'),
      benefitUsed: requireAmount(object.benefitUsed, 'benefitUsage.benefitUsed'),
      claimCount: requireInteger(object.claimCount, 'benefitUsage.claimCount', 0),
      updatedAt: requireTimestamp(object.updatedAt, 'benefitUsage.updatedAt'),
    });
  }
}

/**
 * Accounts of the double-entry fund ledger: an insurer's fund, a hospital's receivable account, and
 * per insurer an external capital (contra) account that deposits are credited to, so every entry
 * has a debit and a credit and the balances of all accounts sum to zero.
 */
export const FUND_ACCOUNT_KINDS = ['insurer-fund', 'hospital', 'external-capital'] as const;
export type FundAccountKind = (typeof FUND_ACCOUNT_KINDS)[number];

@FabricObject()
export class FundAccount {
  /** `<mspId>` for member accounts, `external.<insurerMspId>` for a contra account. */
  @Property('accountId', 'string') public accountId: string;
  @Property('ownerMspId', 'string') public ownerMspId: string;
  @Property('kind', 'string') public kind: FundAccountKind;
  /** Debits − credits in minor units (negative for the contra account). */
  @Property('balance', 'string') public balance: string;
  @Property('entryCount', 'number') public entryCount: number;
  @Property('updatedAt', 'string') public updatedAt: string;

  constructor(fields: FundAccount) {
    this.accountId = fields.accountId;
    this.ownerMspId = fields.ownerMspId;
    this.kind = fields.kind;
    this.balance = fields.balance;
    this.entryCount = fields.entryCount;
    this.updatedAt = fields.updatedAt;
  }

  static decode(value: unknown): FundAccount {
    const object = requireObject(value, 'fundAccount', [
      'accountId',
      'ownerMspId',
      'kind',
      'balance',
      'entryCount',
      'updatedAt',
    ]);
    return new FundAccount({
      accountId: requireId(object.accountId, 'fundAccount.accountId'),
      ownerMspId: requireMspId(object.ownerMspId, 'fundAccount.ownerMspId'),
      kind: requireEnum(object.kind, 'fundAccount.kind', FUND_ACCOUNT_KINDS),
      balance: requireSignedAmount(object.balance, 'fundAccount.balance'),
      entryCount: requireInteger(object.entryCount, 'fundAccount.entryCount', 0),
      updatedAt: requireTimestamp(object.updatedAt, 'fundAccount.updatedAt'),
    });
  }
}

export const FUND_ENTRY_KINDS = ['deposit', 'settlement'] as const;
export type FundEntryKind = (typeof FUND_ENTRY_KINDS)[number];

/** One journal entry: `amount` debited to one account and credited to another. */
@FabricObject()
export class FundEntry {
  /** `<txId>:<n>`. */
  @Property('entryId', 'string') public entryId: string;
  @Property('kind', 'string') public kind: FundEntryKind;
  @Property('debitAccount', 'string') public debitAccount: string;
  @Property('creditAccount', 'string') public creditAccount: string;
  @Property('amount', 'string') public amount: string;
  /** The settled claim; null for a deposit. */
  @Property('claimId', 'string') public claimId: string | null;
  @Property('postedAt', 'string') public postedAt: string;
  @Property('postedBy', 'string') public postedBy: string;
  @Property('txId', 'string') public txId: string;

  constructor(fields: FundEntry) {
    this.entryId = fields.entryId;
    this.kind = fields.kind;
    this.debitAccount = fields.debitAccount;
    this.creditAccount = fields.creditAccount;
    this.amount = fields.amount;
    this.claimId = fields.claimId;
    this.postedAt = fields.postedAt;
    this.postedBy = fields.postedBy;
    this.txId = fields.txId;
  }

  static decode(value: unknown): FundEntry {
    const object = requireObject(value, 'fundEntry', [
      'entryId',
      'kind',
      'debitAccount',
      'creditAccount',
      'amount',
      'claimId',
      'postedAt',
      'postedBy',
      'txId',
    ]);
    return new FundEntry({
      entryId: requireId(object.entryId, 'fundEntry.entryId'),
      kind: requireEnum(object.kind, 'fundEntry.kind', FUND_ENTRY_KINDS),
      debitAccount: requireId(object.debitAccount, 'fundEntry.debitAccount'),
      creditAccount: requireId(object.creditAccount, 'fundEntry.creditAccount'),
      amount: requireAmount(object.amount, 'fundEntry.amount', { positive: true }),
      claimId: requireNullable(object.claimId, (id) => requireId(id, 'fundEntry.claimId')),
      postedAt: requireTimestamp(object.postedAt, 'fundEntry.postedAt'),
      postedBy: requireString(object.postedBy, 'fundEntry.postedBy'),
      txId: requireId(object.txId, 'fundEntry.txId'),
    });
  }
}
