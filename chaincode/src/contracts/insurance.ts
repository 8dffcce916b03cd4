import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { stableStringify } from '../lib/canonical-json';
import {
  bitLength,
  coveragePolynomial,
  meetsPrivacyBound,
  polynomialBound,
  validateModulus,
} from '../lib/claim-crypto';
import { emitClaimEvent, CLAIM_EVENT_NAMES } from '../lib/claim-events';
import { withCryptoInput } from '../lib/crypto-input';
import { AccessDeniedError, InvalidInputError, StateConflictError } from '../lib/errors';
import { externalAccountId, memberAccountId, postEntry, readFundAccount } from '../lib/fund-ledger';
import { INSURANCE_KEY_TYPES as K } from '../lib/insurance-keys';
import { isHospitalAdmin, isInsurerAdmin, isInsurerStaff } from '../lib/insurance-policy';
import {
  activeClaimKeyKey,
  claimKeyKey,
  modulusOf,
  policyKey,
  productKey,
  readActiveClaimKey,
  readClaimKey,
  readSupervisionParams,
  requireClaimKey,
  requirePolicy,
  requireProduct,
} from '../lib/insurance-store';
import {
  compositeKey,
  scanByPartialKey,
  sha256Hex,
  stateExists,
  txTimestamp,
  writeIndexEntry,
  writeState,
} from '../lib/ledger';
import { authenticateMember, readMember, type MemberCaller } from '../lib/membership';
import { requireAmount, requireDate } from '../lib/money';
import { describeCaller, isHospitalStaff, isPatient, isRegulatorSupervisor } from '../lib/policy';
import {
  LIMITS,
  parseJsonArgument,
  requireDecimal,
  requireId,
  requireMspId,
  requireText,
} from '../lib/validation';
import {
  ClaimKey,
  FundAccount,
  Policy,
  Product,
  requireBasisPoints,
  requireCategories,
} from '../models/insurance';

/** n of a 4096-bit key has at most 1234 decimal digits. */
const MODULUS_DIGITS = 1234;

/**
 * Insurers' side of the claim protocol: the Paillier claim key (DESIGN §7 step 1), products with
 * their coverage polynomial (step 3), policies, and deposits into the insurer's fund account.
 */
@Info({ title: 'Insurance', description: 'Insurer claim keys, products, policies and fund deposits' })
export class InsuranceContract extends Contract {
  constructor() {
    super('Insurance');
  }

  /**
   * Registers the caller insurer's Paillier modulus n (decimal) under keyId and makes it the active
   * key; the previous active key is retired (existing products keep using it). Insurer admin only.
   */
  @Transaction()
  @Returns('string')
  public async RegisterClaimKey(ctx: Context, keyId: string, modulus: string): Promise<string> {
    const id = requireId(keyId, 'keyId');
    const nText = requireDecimal(modulus, 'modulus', MODULUS_DIGITS);
    const n = withCryptoInput('modulus', () => validateModulus(BigInt(nText)));
    const caller = await authenticateMember(ctx);
    requireInsurerAdmin(caller, 'register a claim key');
    const params = await readSupervisionParams(ctx);
    const bits = bitLength(n);
    if (bits < params.claimProtocol.minClaimKeyBits) {
      throw new InvalidInputError(
        `modulus has ${bits} bits; the network requires at least ${params.claimProtocol.minClaimKeyBits} (supervision params v${params.version})`,
      );
    }
    if ((await readClaimKey(ctx, caller.mspId, id)) !== undefined) {
      throw new StateConflictError(
        `Claim key ${id} of ${caller.mspId} is already registered; key ids are never reused`,
      );
    }
    const previous = await readActiveClaimKey(ctx, caller.mspId);
    const now = txTimestamp(ctx);
    const key = new ClaimKey({
      insurerMspId: caller.mspId,
      keyId: id,
      version: previous === undefined ? 1 : previous.version + 1,
      n: nText,
      bits,
      status: 'active',
      registeredAt: now,
      registeredBy: caller.id,
      retiredAt: null,
      txId: ctx.stub.getTxID(),
    });
    if (previous !== undefined) {
      await writeState(
        ctx,
        claimKeyKey(ctx, previous.insurerMspId, previous.keyId),
        new ClaimKey({ ...previous, status: 'retired', retiredAt: now }),
      );
    }
    await writeState(ctx, claimKeyKey(ctx, caller.mspId, id), key);
    await writeState(ctx, activeClaimKeyKey(ctx, caller.mspId), id);
    emitClaimEvent(ctx, CLAIM_EVENT_NAMES.claimKeyRegistered, {
      insurerMspId: key.insurerMspId,
      keyId: key.keyId,
      version: key.version,
      bits: key.bits,
      modulusSha256: sha256Hex(Buffer.from(key.n, 'utf8')),
      previousKeyId: previous === undefined ? null : previous.keyId,
    });
    return stableStringify(key);
  }

  /**
   * Creates a product of the caller insurer. coveredCategories is a JSON array of ICD-10 category
   * numbers (1..2600, at most K); amounts are minor units; coinsuranceBps is the patient's share in
   * basis points; validFrom/validTo are dates (policies may start within them); claimKeyId must be the
   * insurer's active key. The chaincode derives and stores the coverage polynomial.
   */
  @Transaction()
  @Returns('string')
  public async CreateProduct(
    ctx: Context,
    productId: string,
    name: string,
    coveredCategories: string,
    annualLimit: string,
    deductible: string,
    coinsuranceBps: string,
    validFrom: string,
    validTo: string,
    claimKeyId: string,
  ): Promise<string> {
    const id = requireId(productId, 'productId');
    const productName = requireText(name, 'name', LIMITS.displayNameLength);
    const categoriesInput = parseJsonArgument(coveredCategories, 'coveredCategories');
    const limit = requireAmount(annualLimit, 'annualLimit', { positive: true });
    const deductibleAmount = requireAmount(deductible, 'deductible');
    const coinsurance = requireBasisPoints(
      parseSmallInteger(coinsuranceBps, 'coinsuranceBps'),
      'coinsuranceBps',
    );
    const from = requireDate(validFrom, 'validFrom');
    const to = requireDate(validTo, 'validTo');
    if (to < from) {
      throw new InvalidInputError(`validTo (${to}) is before validFrom (${from})`);
    }
    const keyId = requireId(claimKeyId, 'claimKeyId');
    const caller = await authenticateMember(ctx);
    requireInsurerAdmin(caller, 'create products');
    const params = await readSupervisionParams(ctx);
    const categories = requireCategories(
      categoriesInput,
      'coveredCategories',
      params.claimProtocol.maxCoveredCategories,
    );
    if (await stateExists(ctx, productKey(ctx, id))) {
      throw new StateConflictError(`Product ${id} already exists`);
    }
    const key = await requireClaimKey(ctx, caller.mspId, keyId);
    if (key.status !== 'active') {
      throw new StateConflictError(
        `Claim key ${keyId} of ${caller.mspId} is retired; new products use the active key`,
      );
    }
    const coefficients = withCryptoInput('coveredCategories', () => coveragePolynomial(categories));
    const n = modulusOf(key);
    if (polynomialBound(coefficients) >= n || !meetsPrivacyBound(n, coefficients)) {
      throw new InvalidInputError(
        `a ${key.bits}-bit claim key is too small for ${categories.length} covered categories (the coverage polynomial could exceed min(p, q)); use a larger key or fewer categories`,
      );
    }
    const product = new Product({
      productId: id,
      insurerMspId: caller.mspId,
      name: productName,
      coveredCategories: categories,
      coverageCoefficients: coefficients.map((coefficient) => coefficient.toString(10)),
      annualLimit: limit,
      deductible: deductibleAmount,
      coinsuranceBps: coinsurance,
      validFrom: from,
      validTo: to,
      claimKeyId: keyId,
      createdAt: txTimestamp(ctx),
      createdBy: caller.id,
      txId: ctx.stub.getTxID(),
    });
    await writeState(ctx, productKey(ctx, id), product);
    await writeIndexEntry(ctx, compositeKey(ctx, K.productByInsurer, [caller.mspId, id]));
    emitClaimEvent(ctx, CLAIM_EVENT_NAMES.productCreated, {
      productId: id,
      insurerMspId: caller.mspId,
      name: productName,
      coveredCategories: categories,
      annualLimit: limit,
      deductible: deductibleAmount,
      coinsuranceBps: coinsurance,
      validFrom: from,
      validTo: to,
      claimKeyId: keyId,
    });
    return stableStringify(product);
  }

  /** Binds a patient to one of the caller insurer's products for [periodStart, periodEnd] (dates). */
  @Transaction()
  @Returns('string')
  public async IssuePolicy(
    ctx: Context,
    policyId: string,
    patientPseudonym: string,
    productId: string,
    periodStart: string,
    periodEnd: string,
  ): Promise<string> {
    const id = requireId(policyId, 'policyId');
    const patient = requireId(patientPseudonym, 'patientPseudonym');
    const productRef = requireId(productId, 'productId');
    const start = requireDate(periodStart, 'periodStart');
    const end = requireDate(periodEnd, 'periodEnd');
    if (end < start) {
      throw new InvalidInputError(`periodEnd (${end}) is before periodStart (${start})`);
    }
    const caller = await authenticateMember(ctx);
    requireInsurerAdmin(caller, 'issue policies');
    const product = await requireProduct(ctx, productRef);
    if (product.insurerMspId !== caller.mspId) {
      throw new AccessDeniedError(
        `product ${productRef} belongs to ${product.insurerMspId}, not ${caller.mspId}`,
      );
    }
    if (start < product.validFrom || start > product.validTo) {
      throw new StateConflictError(
        `Product ${productRef} is sold from ${product.validFrom} to ${product.validTo}; a policy starting ${start} is outside that`,
      );
    }
    if (await stateExists(ctx, policyKey(ctx, id))) {
      throw new StateConflictError(`Policy ${id} already exists`);
    }
    const policy = new Policy({
      policyId: id,
      insurerMspId: caller.mspId,
      patientPseudonym: patient,
      productId: productRef,
      periodStart: start,
      periodEnd: end,
      status: 'active',
      issuedAt: txTimestamp(ctx),
      issuedBy: caller.id,
      txId: ctx.stub.getTxID(),
    });
    await writeState(ctx, policyKey(ctx, id), policy);
    await writeIndexEntry(ctx, compositeKey(ctx, K.policyByPatient, [patient, id]));
    emitClaimEvent(ctx, CLAIM_EVENT_NAMES.policyIssued, {
      policyId: id,
      insurerMspId: caller.mspId,
      patientPseudonym: patient,
      productId: productRef,
      periodStart: start,
      periodEnd: end,
    });
    return stableStringify(policy);
  }

  /**
   * Deposits `amount` (minor units, a positive integer string) into the caller insurer's fund
   * account: debit the fund, credit the insurer's external capital account. Insurer admin only.
   */
  @Transaction()
  @Returns('string')
  public async DepositFunds(ctx: Context, amount: string): Promise<string> {
    const deposit = requireAmount(amount, 'amount', { positive: true });
    const caller = await authenticateMember(ctx);
    requireInsurerAdmin(caller, 'deposit funds');
    const now = txTimestamp(ctx);
    const fund = await readFundAccount(ctx, memberAccountId(caller.mspId), caller.mspId, 'insurer-fund', now);
    const external = await readFundAccount(
      ctx,
      externalAccountId(caller.mspId),
      caller.mspId,
      'external-capital',
      now,
    );
    const posted = await postEntry(ctx, {
      kind: 'deposit',
      debit: fund,
      credit: external,
      amount: deposit,
      claimId: null,
      postedBy: caller.id,
      now,
      sequence: 1,
    });
    emitClaimEvent(ctx, CLAIM_EVENT_NAMES.fundDeposited, {
      insurerMspId: caller.mspId,
      amount: deposit,
      entryId: posted.entry.entryId,
      balance: posted.debit.balance,
    });
    return stableStringify({ entry: posted.entry, account: posted.debit });
  }

  /** The insurer's active claim key (n is public: hospitals encrypt diagnoses under it). Any member. */
  @Transaction(false)
  @Returns('string')
  public async GetActiveClaimKey(ctx: Context, insurerMspId: string): Promise<string> {
    const insurer = requireMspId(insurerMspId, 'insurerMspId');
    await authenticateMember(ctx);
    const key = await readActiveClaimKey(ctx, insurer);
    if (key === undefined) {
      throw new StateConflictError(`${insurer} has not registered a claim key`);
    }
    return stableStringify(key);
  }

  /** One claim key of an insurer, active or retired. Any member. */
  @Transaction(false)
  @Returns('string')
  public async GetClaimKey(ctx: Context, insurerMspId: string, keyId: string): Promise<string> {
    const insurer = requireMspId(insurerMspId, 'insurerMspId');
    const id = requireId(keyId, 'keyId');
    await authenticateMember(ctx);
    return stableStringify(await requireClaimKey(ctx, insurer, id));
  }

  /** A product (public plan definition). Any member. */
  @Transaction(false)
  @Returns('string')
  public async GetProduct(ctx: Context, productId: string): Promise<string> {
    const id = requireId(productId, 'productId');
    await authenticateMember(ctx);
    return stableStringify(await requireProduct(ctx, id));
  }

  /** An insurer's products in product id order. Any member. */
  @Transaction(false)
  @Returns('string')
  public async ListProducts(ctx: Context, insurerMspId: string): Promise<string> {
    const insurer = requireMspId(insurerMspId, 'insurerMspId');
    await authenticateMember(ctx);
    const products: Product[] = [];
    for (const { attributes } of await scanByPartialKey(ctx, K.productByInsurer, [insurer])) {
      products.push(await requireProduct(ctx, attributes[1] ?? ''));
    }
    return stableStringify(products);
  }

  /** A policy: for the patient, the regulator, the policy's insurer staff and hospital staff. */
  @Transaction(false)
  @Returns('string')
  public async GetPolicy(ctx: Context, policyId: string): Promise<string> {
    const id = requireId(policyId, 'policyId');
    const caller = await authenticateMember(ctx);
    const policy = await requirePolicy(ctx, id);
    if (!canReadPolicy(caller, policy)) {
      throw new AccessDeniedError(
        `policy ${id} is for the patient, the regulator, ${policy.insurerMspId} staff and hospital staff; caller: ${describeCaller(caller)}`,
      );
    }
    return stableStringify(policy);
  }

  /**
   * A patient's policies in policy id order: all of them for the patient, the regulator and hospital
   * staff; an insurer's staff see that insurer's policies only.
   */
  @Transaction(false)
  @Returns('string')
  public async ListPolicies(ctx: Context, patientPseudonym: string): Promise<string> {
    const patient = requireId(patientPseudonym, 'patientPseudonym');
    const caller = await authenticateMember(ctx);
    const mayList =
      isPatient(caller, patient) ||
      isRegulatorSupervisor(caller) ||
      isHospitalStaff(caller, caller.mspId) ||
      isInsurerStaff(caller, caller.mspId);
    if (!mayList) {
      throw new AccessDeniedError(
        `the policies of ${patient} are for the patient, the regulator, hospital staff and insurer staff; caller: ${describeCaller(caller)}`,
      );
    }
    const policies: Policy[] = [];
    for (const { attributes } of await scanByPartialKey(ctx, K.policyByPatient, [patient])) {
      const policy = await requirePolicy(ctx, attributes[1] ?? '');
      if (canReadPolicy(caller, policy)) {
        policies.push(policy);
      }
    }
    return stableStringify(policies);
  }

  /**
   * The fund account of a member (zero balance before its first entry). For the owner's staff
   * (insurer: admins, adjusters, compliance; hospital: admin OU or role admin) and the regulator.
   */
  @Transaction(false)
  @Returns('string')
  public async GetFundAccount(ctx: Context, mspId: string): Promise<string> {
    const owner = requireMspId(mspId, 'mspId');
    const caller = await authenticateMember(ctx);
    return stableStringify(await readMemberFundAccount(ctx, caller, owner));
  }
}

/** The member's fund account after the access check shared with Claims:GetFundLedger. */
export async function readMemberFundAccount(
  ctx: Context,
  caller: MemberCaller,
  owner: string,
): Promise<FundAccount> {
  const member = await readMember(ctx, owner);
  if (member === undefined || member.kind === 'regulator') {
    throw new StateConflictError(`${owner} is not a registered hospital or insurer: it has no fund account`);
  }
  const mayRead =
    isRegulatorSupervisor(caller) ||
    (member.kind === 'insurer' ? isInsurerStaff(caller, owner) : isHospitalAdmin(caller, owner));
  if (!mayRead) {
    throw new AccessDeniedError(
      `the fund account of ${owner} is for its administrators and the regulator; caller: ${describeCaller(caller)}`,
    );
  }
  const kind = member.kind === 'insurer' ? 'insurer-fund' : 'hospital';
  return readFundAccount(ctx, memberAccountId(owner), owner, kind, member.registeredAt);
}

function requireInsurerAdmin(caller: MemberCaller, action: string): void {
  if (!isInsurerAdmin(caller)) {
    throw new AccessDeniedError(
      `only an insurer's admin OU identity or admin-role client may ${action}; caller: ${describeCaller(caller)}`,
    );
  }
}

function canReadPolicy(caller: MemberCaller, policy: Policy): boolean {
  return (
    isPatient(caller, policy.patientPseudonym) ||
    isRegulatorSupervisor(caller) ||
    isHospitalStaff(caller, caller.mspId) ||
    isInsurerStaff(caller, policy.insurerMspId)
  );
}

/** A small non-negative integer passed as a decimal string argument. */
function parseSmallInteger(value: unknown, field: string): number {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,8})$/.test(value)) {
    throw new InvalidInputError(`${field} must be a non-negative integer in decimal digits`);
  }
  return Number(value);
}
