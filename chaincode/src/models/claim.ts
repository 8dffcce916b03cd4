import { Object as FabricObject, Property } from 'fabric-contract-api';
import { InvalidInputError } from '../lib/errors';
import { requireAmount, requireDate } from '../lib/money';
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
import { requireBasisPoints, type ClaimKey, type Policy, type Product } from './insurance';
import { requireServiceCode } from './supervision';

/**
 * Claim status (the business state machine of the reference §1.2; FHIR spreads it over Claim,
 * ClaimResponse and PaymentReconciliation):
 * filed → adjudicated (nothing owed) | paid | payable | denied;  filed ⇄ held → denied;  payable → paid.
 */
export const CLAIM_STATUSES = ['filed', 'held', 'denied', 'adjudicated', 'paid', 'payable'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** ClaimResponse.outcome, business-level: approved (all items paid as submitted), partial, denied. */
export const CLAIM_OUTCOMES = ['approved', 'partial', 'denied'] as const;
export type ClaimOutcome = (typeof CLAIM_OUTCOMES)[number];

/** CARC-like reason codes (adjudication and supervision decisions). */
export const REASON_CODES = [
  'NOT_COVERED',
  'OUTSIDE_COVERAGE_PERIOD',
  'ANNUAL_LIMIT_REACHED',
  'SUPERVISION_DENIED',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const MAX_CLAIM_ITEMS = 64;
export const MAX_ITEM_QUANTITY = 10_000;

/** Claim.item: one billed service line. */
@FabricObject()
export class ClaimItem {
  /** 1-based, the order the hospital submitted. */
  @Property('sequence', 'number') public sequence: number;
  @Property('serviceCode', 'string') public serviceCode: string;
  @Property('quantity', 'number') public quantity: number;
  /** Minor units. */
  @Property('unitPrice', 'string') public unitPrice: string;
  /** quantity × unitPrice, minor units. */
  @Property('net', 'string') public net: string;
  @Property('serviceDate', 'string') public serviceDate: string;

  constructor(fields: ClaimItem) {
    this.sequence = fields.sequence;
    this.serviceCode = fields.serviceCode;
    this.quantity = fields.quantity;
    this.unitPrice = fields.unitPrice;
    this.net = fields.net;
    this.serviceDate = fields.serviceDate;
  }

  /** An item as the hospital submits it: {serviceCode, quantity, unitPrice, serviceDate}. */
  static decodeInput(value: unknown, sequence: number, field: string): ClaimItem {
    const object = requireObject(value, field, ['serviceCode', 'quantity', 'unitPrice', 'serviceDate']);
    const quantity = object.quantity;
    if (
      typeof quantity !== 'number' ||
      !Number.isSafeInteger(quantity) ||
      quantity < 1 ||
      quantity > MAX_ITEM_QUANTITY
    ) {
      throw new InvalidInputError(
        `${field}.quantity must be an integer JSON number in [1, ${MAX_ITEM_QUANTITY}]`,
      );
    }
    const unitPrice = requireAmount(object.unitPrice, `${field}.unitPrice`);
    return new ClaimItem({
      sequence,
      serviceCode: requireServiceCode(object.serviceCode, `${field}.serviceCode`),
      quantity,
      unitPrice,
      net: (BigInt(quantity) * BigInt(unitPrice)).toString(10),
      serviceDate: requireDate(object.serviceDate, `${field}.serviceDate`),
    });
  }

  static decode(value: unknown, field: string): ClaimItem {
    const object = requireObject(value, field, [
      'sequence',
      'serviceCode',
      'quantity',
      'unitPrice',
      'net',
      'serviceDate',
    ]);
    return new ClaimItem({
      sequence: requireInteger(object.sequence, `${field}.sequence`, 1),
      serviceCode: requireServiceCode(object.serviceCode, `${field}.serviceCode`),
      quantity: requireInteger(object.quantity, `${field}.quantity`, 1),
      unitPrice: requireAmount(object.unitPrice, `${field}.unitPrice`),
      net: requireTotal(object.net, `${field}.net`),
      serviceDate: requireDate(object.serviceDate, `${field}.serviceDate`),
    });
  }
}

/** ClaimResponse.item.adjudication for one item: amounts in minor units. */
@FabricObject()
export class ItemAdjudication {
  @Property('sequence', 'number') public sequence: number;
  @Property('submitted', 'string') public submitted: string;
  @Property('eligible', 'string') public eligible: string;
  @Property('deductible', 'string') public deductible: string;
  /** The patient's coinsurance share. */
  @Property('copay', 'string') public copay: string;
  /** Cut because the annual limit was reached (the patient's responsibility). */
  @Property('overLimit', 'string') public overLimit: string;
  @Property('benefit', 'string') public benefit: string;
  @Property('policyYear', 'number') public policyYear: number;
  /** Null when the item was paid as submitted (after deductible and coinsurance). */
  @Property('reasonCode', 'string') public reasonCode: ReasonCode | null;

  constructor(fields: ItemAdjudication) {
    this.sequence = fields.sequence;
    this.submitted = fields.submitted;
    this.eligible = fields.eligible;
    this.deductible = fields.deductible;
    this.copay = fields.copay;
    this.overLimit = fields.overLimit;
    this.benefit = fields.benefit;
    this.policyYear = fields.policyYear;
    this.reasonCode = fields.reasonCode;
  }

  static decode(value: unknown, field: string): ItemAdjudication {
    const object = requireObject(value, field, [
      'sequence',
      'submitted',
      'eligible',
      'deductible',
      'copay',
      'overLimit',
      'benefit',
      'policyYear',
      'reasonCode',
    ]);
    return new ItemAdjudication({
      sequence: requireInteger(object.sequence, `${field}.sequence`, 1),
      submitted: requireTotal(object.submitted, `${field}.submitted`),
      eligible: requireTotal(object.eligible, `${field}.eligible`),
      deductible: requireTotal(object.deductible, `${field}.deductible`),
      copay: requireTotal(object.copay, `${field}.copay`),
      overLimit: requireTotal(object.overLimit, `${field}.overLimit`),
      benefit: requireTotal(object.benefit, `${field}.benefit`),
      policyYear: requireInteger(object.policyYear, `${field}.policyYear`, -1),
      reasonCode: requireNullable(object.reasonCode, (code) =>
        requireEnum(code, `${field}.reasonCode`, REASON_CODES),
      ),
    });
  }
}

/** Sums of item amounts can exceed one amount's 18 digits; they stay non-negative integers. */
function requireTotal(value: unknown, field: string): string {
  const text = requireString(value, field);
  if (!/^(0|[1-9][0-9]{0,23})$/.test(text)) {
    throw new InvalidInputError(`${field} must be a non-negative integer amount in minor units`);
  }
  return text;
}

/** The verified decryption of e (DESIGN §7 step 5): anyone can re-check g^m·ρ^n ≡ e (mod n²). */
@FabricObject()
export class DecryptionProofRecord {
  @Property('m', 'string') public m: string;
  @Property('rho', 'string') public rho: string;

  constructor(fields: DecryptionProofRecord) {
    this.m = fields.m;
    this.rho = fields.rho;
  }

  static decode(value: unknown, field: string): DecryptionProofRecord {
    const object = requireObject(value, field, ['m', 'rho']);
    const m = requireString(object.m, `${field}.m`);
    if (!/^(0|[1-9][0-9]*)$/.test(m) || m.length > LIMITS.ciphertextDigits) {
      throw new InvalidInputError(`${field}.m must be a non-negative decimal integer`);
    }
    return new DecryptionProofRecord({
      m,
      rho: requireDecimal(object.rho, `${field}.rho`, LIMITS.ciphertextDigits),
    });
  }
}

/** The ClaimResponse: outcome, per-item adjudication and totals. */
@FabricObject()
export class ClaimAdjudication {
  @Property('covered', 'boolean') public covered: boolean;
  @Property('outcome', 'string') public outcome: ClaimOutcome;
  @Property('reasonCode', 'string') public reasonCode: ReasonCode | null;
  @Property('items', 'ItemAdjudication[]') public items: ItemAdjudication[];
  @Property('totalSubmitted', 'string') public totalSubmitted: string;
  @Property('totalEligible', 'string') public totalEligible: string;
  @Property('totalDeductible', 'string') public totalDeductible: string;
  @Property('totalCopay', 'string') public totalCopay: string;
  @Property('totalOverLimit', 'string') public totalOverLimit: string;
  @Property('totalBenefit', 'string') public totalBenefit: string;
  @Property('proof', 'DecryptionProofRecord') public proof: DecryptionProofRecord;
  @Property('adjudicatedAt', 'string') public adjudicatedAt: string;
  @Property('adjudicatedBy', 'string') public adjudicatedBy: string;
  @Property('txId', 'string') public txId: string;

  constructor(fields: ClaimAdjudication) {
    this.covered = fields.covered;
    this.outcome = fields.outcome;
    this.reasonCode = fields.reasonCode;
    this.items = fields.items;
    this.totalSubmitted = fields.totalSubmitted;
    this.totalEligible = fields.totalEligible;
    this.totalDeductible = fields.totalDeductible;
    this.totalCopay = fields.totalCopay;
    this.totalOverLimit = fields.totalOverLimit;
    this.totalBenefit = fields.totalBenefit;
    this.proof = fields.proof;
    this.adjudicatedAt = fields.adjudicatedAt;
    this.adjudicatedBy = fields.adjudicatedBy;
    this.txId = fields.txId;
  }

  static decode(value: unknown, field = 'claim.adjudication'): ClaimAdjudication {
    const object = requireObject(value, field, [
      'covered',
      'outcome',
      'reasonCode',
      'items',
      'totalSubmitted',
      'totalEligible',
      'totalDeductible',
      'totalCopay',
      'totalOverLimit',
      'totalBenefit',
      'proof',
      'adjudicatedAt',
      'adjudicatedBy',
      'txId',
    ]);
    if (typeof object.covered !== 'boolean') {
      throw new InvalidInputError(`${field}.covered must be a boolean`);
    }
    return new ClaimAdjudication({
      covered: object.covered,
      outcome: requireEnum(object.outcome, `${field}.outcome`, CLAIM_OUTCOMES),
      reasonCode: requireNullable(object.reasonCode, (code) =>
        requireEnum(code, `${field}.reasonCode`, REASON_CODES),
      ),
      items: requireArray(object.items, `${field}.items`, MAX_CLAIM_ITEMS).map((item, index) =>
        ItemAdjudication.decode(item, `${field}.items[${index}]`),
      ),
      totalSubmitted: requireTotal(object.totalSubmitted, `${field}.totalSubmitted`),
      totalEligible: requireTotal(object.totalEligible, `${field}.totalEligible`),
      totalDeductible: requireTotal(object.totalDeductible, `${field}.totalDeductible`),
      totalCopay: requireTotal(object.totalCopay, `${field}.totalCopay`),
      totalOverLimit: requireTotal(object.totalOverLimit, `${field}.totalOverLimit`),
      totalBenefit: requireTotal(object.totalBenefit, `${field}.totalBenefit`),
      proof: DecryptionProofRecord.decode(object.proof, `${field}.proof`),
      adjudicatedAt: requireTimestamp(object.adjudicatedAt, `${field}.adjudicatedAt`),
      adjudicatedBy: requireString(object.adjudicatedBy, `${field}.adjudicatedBy`),
      txId: requireId(object.txId, `${field}.txId`),
    });
  }
}

/** PaymentReconciliation: the benefit moved from the insurer's fund to the hospital's account. */
@FabricObject()
export class ClaimSettlement {
  @Property('amount', 'string') public amount: string;
  @Property('entryId', 'string') public entryId: string;
  @Property('settledAt', 'string') public settledAt: string;
  @Property('txId', 'string') public txId: string;

  constructor(fields: ClaimSettlement) {
    this.amount = fields.amount;
    this.entryId = fields.entryId;
    this.settledAt = fields.settledAt;
    this.txId = fields.txId;
  }

  static decode(value: unknown, field = 'claim.settlement'): ClaimSettlement {
    const object = requireObject(value, field, ['amount', 'entryId', 'settledAt', 'txId']);
    return new ClaimSettlement({
      amount: requireAmount(object.amount, `${field}.amount`, { positive: true }),
      entryId: requireId(object.entryId, `${field}.entryId`),
      settledAt: requireTimestamp(object.settledAt, `${field}.settledAt`),
      txId: requireId(object.txId, `${field}.txId`),
    });
  }
}

export const HOLD_DECISIONS = ['released', 'denied'] as const;
export type HoldDecisionKind = (typeof HOLD_DECISIONS)[number];

/** A decision on a held claim (ReleaseClaim / DenyHeldClaim, or the regulator clearing its last hold). */
@FabricObject()
export class HoldDecision {
  @Property('decision', 'string') public decision: HoldDecisionKind;
  @Property('reason', 'string') public reason: string;
  @Property('decidedAt', 'string') public decidedAt: string;
  @Property('decidedBy', 'string') public decidedBy: string;
  @Property('decidedByMspId', 'string') public decidedByMspId: string;
  @Property('txId', 'string') public txId: string;

  constructor(fields: HoldDecision) {
    this.decision = fields.decision;
    this.reason = fields.reason;
    this.decidedAt = fields.decidedAt;
    this.decidedBy = fields.decidedBy;
    this.decidedByMspId = fields.decidedByMspId;
    this.txId = fields.txId;
  }

  static decode(value: unknown, field: string): HoldDecision {
    const object = requireObject(value, field, [
      'decision',
      'reason',
      'decidedAt',
      'decidedBy',
      'decidedByMspId',
      'txId',
    ]);
    return new HoldDecision({
      decision: requireEnum(object.decision, `${field}.decision`, HOLD_DECISIONS),
      reason: requireText(object.reason, `${field}.reason`, LIMITS.reasonLength),
      decidedAt: requireTimestamp(object.decidedAt, `${field}.decidedAt`),
      decidedBy: requireString(object.decidedBy, `${field}.decidedBy`),
      decidedByMspId: requireMspId(object.decidedByMspId, `${field}.decidedByMspId`),
      txId: requireId(object.txId, `${field}.txId`),
    });
  }
}

/**
 * The terms a claim is adjudicated under, copied when it is filed from its claim key (n), policy
 * (period) and product (deductible, coinsurance, annual limit). Those fields never change once
 * written, so adjudicating from the copy gives the same outcome as reading the three records again,
 * and spares every adjudication those three reads.
 */
@FabricObject()
export class ClaimTerms {
  /** The modulus n of the claim key e is encrypted under, decimal. */
  @Property('claimKeyModulus', 'string') public claimKeyModulus: string;
  @Property('policyPeriodStart', 'string') public policyPeriodStart: string;
  @Property('policyPeriodEnd', 'string') public policyPeriodEnd: string;
  @Property('deductible', 'string') public deductible: string;
  /** The patient's share after the deductible, in basis points. */
  @Property('coinsuranceBps', 'number') public coinsuranceBps: number;
  @Property('annualLimit', 'string') public annualLimit: string;

  constructor(fields: ClaimTerms) {
    this.claimKeyModulus = fields.claimKeyModulus;
    this.policyPeriodStart = fields.policyPeriodStart;
    this.policyPeriodEnd = fields.policyPeriodEnd;
    this.deductible = fields.deductible;
    this.coinsuranceBps = fields.coinsuranceBps;
    this.annualLimit = fields.annualLimit;
  }

  /** The copy FileClaim stores, from the claim's key, policy and product. */
  static of(key: ClaimKey, policy: Policy, product: Product): ClaimTerms {
    return new ClaimTerms({
      claimKeyModulus: key.n,
      policyPeriodStart: policy.periodStart,
      policyPeriodEnd: policy.periodEnd,
      deductible: product.deductible,
      coinsuranceBps: product.coinsuranceBps,
      annualLimit: product.annualLimit,
    });
  }

  static decode(value: unknown, field = 'claim.terms'): ClaimTerms {
    const object = requireObject(value, field, [
      'claimKeyModulus',
      'policyPeriodStart',
      'policyPeriodEnd',
      'deductible',
      'coinsuranceBps',
      'annualLimit',
    ]);
    return new ClaimTerms({
      claimKeyModulus: requireDecimal(
        object.claimKeyModulus,
        `${field}.claimKeyModulus`,
        LIMITS.ciphertextDigits,
      ),
      policyPeriodStart: requireDate(object.policyPeriodStart, `${field}.policyPeriodStart`),
      policyPeriodEnd: requireDate(object.policyPeriodEnd, `${field}.policyPeriodEnd`),
      deductible: requireAmount(object.deductible, `${field}.deductible`),
      coinsuranceBps: requireBasisPoints(object.coinsuranceBps, `${field}.coinsuranceBps`),
      annualLimit: requireAmount(object.annualLimit, `${field}.annualLimit`),
    });
  }
}

/** A claim (FHIR Claim) with its processing state (ClaimResponse, payment) attached. */
@FabricObject()
export class Claim {
  @Property('claimId', 'string') public claimId: string;
  @Property('recordId', 'string') public recordId: string;
  @Property('patientPseudonym', 'string') public patientPseudonym: string;
  @Property('hospitalMspId', 'string') public hospitalMspId: string;
  @Property('insurerMspId', 'string') public insurerMspId: string;
  @Property('policyId', 'string') public policyId: string;
  @Property('productId', 'string') public productId: string;
  @Property('claimKeyId', 'string') public claimKeyId: string;
  @Property('items', 'ClaimItem[]') public items: ClaimItem[];
  @Property('totalSubmitted', 'string') public totalSubmitted: string;
  /** e = E(r·P(x)) mod n², decimal (DESIGN §7 step 4). */
  @Property('encryptedEligibility', 'string') public encryptedEligibility: string;
  /** Null only for claims filed before the terms were copied (adjudication then reads the records). */
  @Property('terms', 'ClaimTerms') public terms: ClaimTerms | null;
  @Property('status', 'string') public status: ClaimStatus;
  /** Alerts raised when filing, and FUND_SHORT at settlement. */
  @Property('alertIds', 'string[]') public alertIds: string[];
  @Property('filedAt', 'string') public filedAt: string;
  @Property('filedBy', 'string') public filedBy: string;
  @Property('txId', 'string') public txId: string;
  @Property('holdDecisions', 'HoldDecision[]') public holdDecisions: HoldDecision[];
  @Property('adjudication', 'ClaimAdjudication') public adjudication: ClaimAdjudication | null;
  @Property('settlement', 'ClaimSettlement') public settlement: ClaimSettlement | null;
  @Property('updatedAt', 'string') public updatedAt: string;

  constructor(fields: Claim) {
    this.claimId = fields.claimId;
    this.recordId = fields.recordId;
    this.patientPseudonym = fields.patientPseudonym;
    this.hospitalMspId = fields.hospitalMspId;
    this.insurerMspId = fields.insurerMspId;
    this.policyId = fields.policyId;
    this.productId = fields.productId;
    this.claimKeyId = fields.claimKeyId;
    this.items = fields.items;
    this.totalSubmitted = fields.totalSubmitted;
    this.encryptedEligibility = fields.encryptedEligibility;
    this.terms = fields.terms;
    this.status = fields.status;
    this.alertIds = fields.alertIds;
    this.filedAt = fields.filedAt;
    this.filedBy = fields.filedBy;
    this.txId = fields.txId;
    this.holdDecisions = fields.holdDecisions;
    this.adjudication = fields.adjudication;
    this.settlement = fields.settlement;
    this.updatedAt = fields.updatedAt;
  }

  static decode(value: unknown): Claim {
    const object = requireObject(value, 'claim', [
      'claimId',
      'recordId',
      'patientPseudonym',
      'hospitalMspId',
      'insurerMspId',
      'policyId',
      'productId',
      'claimKeyId',
      'items',
      'totalSubmitted',
      'encryptedEligibility',
      'terms',
      'status',
      'alertIds',
      'filedAt',
      'filedBy',
      'txId',
      'holdDecisions',
      'adjudication',
      'settlement',
      'updatedAt',
    ]);
    return new Claim({
      claimId: requireId(object.claimId, 'claim.claimId'),
      recordId: requireId(object.recordId, 'claim.recordId'),
      patientPseudonym: requireId(object.patientPseudonym, 'claim.patientPseudonym'),
      hospitalMspId: requireMspId(object.hospitalMspId, 'claim.hospitalMspId'),
      insurerMspId: requireMspId(object.insurerMspId, 'claim.insurerMspId'),
      policyId: requireId(object.policyId, 'claim.policyId'),
      productId: requireId(object.productId, 'claim.productId'),
      claimKeyId: requireId(object.claimKeyId, 'claim.claimKeyId'),
      items: requireArray(object.items, 'claim.items', MAX_CLAIM_ITEMS).map((item, index) =>
        ClaimItem.decode(item, `claim.items[${index}]`),
      ),
      totalSubmitted: requireTotal(object.totalSubmitted, 'claim.totalSubmitted'),
      encryptedEligibility: requireDecimal(
        object.encryptedEligibility,
        'claim.encryptedEligibility',
        LIMITS.ciphertextDigits,
      ),
      // Claims filed before the terms were copied have no member at all.
      terms:
        object.terms === undefined
          ? null
          : requireNullable(object.terms, (terms) => ClaimTerms.decode(terms)),
      status: requireEnum(object.status, 'claim.status', CLAIM_STATUSES),
      alertIds: requireArray(object.alertIds, 'claim.alertIds', 1024).map((id, index) =>
        requireId(id, `claim.alertIds[${index}]`),
      ),
      filedAt: requireTimestamp(object.filedAt, 'claim.filedAt'),
      filedBy: requireString(object.filedBy, 'claim.filedBy'),
      txId: requireId(object.txId, 'claim.txId'),
      holdDecisions: requireArray(object.holdDecisions, 'claim.holdDecisions', 1024).map((decision, index) =>
        HoldDecision.decode(decision, `claim.holdDecisions[${index}]`),
      ),
      adjudication: requireNullable(object.adjudication, (adjudication) =>
        ClaimAdjudication.decode(adjudication),
      ),
      settlement: requireNullable(object.settlement, (settlement) => ClaimSettlement.decode(settlement)),
      updatedAt: requireTimestamp(object.updatedAt, 'claim.updatedAt'),
    });
  }
}
