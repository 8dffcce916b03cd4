import type { Context } from 'fabric-contract-api';
import { BenefitUsage, ClaimKey, Policy, Product } from '../models/insurance';
import { defaultSupervisionParams, SupervisionParams } from '../models/supervision';
import { parseDecimalBigInt } from './claim-crypto';
import { StateConflictError } from './errors';
import { INSURANCE_KEY_TYPES as K, padNumber } from './insurance-keys';
import { compositeKey, readState } from './ledger';

export function claimKeyKey(ctx: Context, insurerMspId: string, keyId: string): string {
  return compositeKey(ctx, K.claimKey, [insurerMspId, keyId]);
}

export function activeClaimKeyKey(ctx: Context, insurerMspId: string): string {
  return compositeKey(ctx, K.activeClaimKey, [insurerMspId]);
}

export function productKey(ctx: Context, productId: string): string {
  return compositeKey(ctx, K.product, [productId]);
}

export function policyKey(ctx: Context, policyId: string): string {
  return compositeKey(ctx, K.policy, [policyId]);
}

export function benefitUsageKey(ctx: Context, policyId: string, patient: string, policyYear: number): string {
  return compositeKey(ctx, K.benefitUsage, [policyId, patient, padNumber(policyYear, 4)]);
}

export function supervisionParamsKey(ctx: Context): string {
  return compositeKey(ctx, K.supervisionParams, []);
}

export function supervisionParamsVersionKey(ctx: Context, version: number): string {
  return compositeKey(ctx, K.supervisionParamsVersion, [padNumber(version)]);
}

export async function readClaimKey(
  ctx: Context,
  insurerMspId: string,
  keyId: string,
): Promise<ClaimKey | undefined> {
  const stored = await readState(ctx, claimKeyKey(ctx, insurerMspId, keyId));
  return stored === undefined ? undefined : ClaimKey.decode(stored);
}

export async function requireClaimKey(ctx: Context, insurerMspId: string, keyId: string): Promise<ClaimKey> {
  const key = await readClaimKey(ctx, insurerMspId, keyId);
  if (key === undefined) {
    throw new StateConflictError(`Claim key ${keyId} of ${insurerMspId} is not registered`);
  }
  return key;
}

/** The insurer's active key (the pointer holds its key id), or undefined before the first registration. */
export async function readActiveClaimKey(ctx: Context, insurerMspId: string): Promise<ClaimKey | undefined> {
  const pointer = await readState(ctx, activeClaimKeyKey(ctx, insurerMspId));
  if (pointer === undefined) {
    return undefined;
  }
  if (typeof pointer !== 'string') {
    throw new StateConflictError(`The active claim key pointer of ${insurerMspId} is corrupt`);
  }
  return requireClaimKey(ctx, insurerMspId, pointer);
}

/** The modulus n of a stored key as a bigint. */
export function modulusOf(key: ClaimKey): bigint {
  return parseDecimalBigInt(key.n, 'claimKey.n');
}

export async function requireProduct(ctx: Context, productId: string): Promise<Product> {
  const stored = await readState(ctx, productKey(ctx, productId));
  if (stored === undefined) {
    throw new StateConflictError(`Product ${productId} does not exist`);
  }
  return Product.decode(stored);
}

export async function requirePolicy(ctx: Context, policyId: string): Promise<Policy> {
  const stored = await readState(ctx, policyKey(ctx, policyId));
  if (stored === undefined) {
    throw new StateConflictError(`Policy ${policyId} does not exist`);
  }
  return Policy.decode(stored);
}

/** A policy and its patient: a Policy, or a claim filed under it. */
export type PolicyRef = Pick<Policy, 'policyId' | 'patientPseudonym'>;

/** What one patient has used of a policy in one policy year (zero usage when nothing is stored). */
export async function readBenefitUsage(
  ctx: Context,
  policy: PolicyRef,
  policyYear: number,
  now: string,
): Promise<BenefitUsage> {
  const stored = await readState(
    ctx,
    benefitUsageKey(ctx, policy.policyId, policy.patientPseudonym, policyYear),
  );
  return stored === undefined
    ? new BenefitUsage({
        policyId: policy.policyId,
        patientPseudonym: policy.patientPseudonym,
        policyYear,
        deductibleMet: '0',
        benefitUsed: '0',
        claimCount: 0,
        updatedAt: now,
      })
    : BenefitUsage.decode(stored);
}

/** The regulator's current thresholds, or the built-in defaults (version 0) before any were set. */
export async function readSupervisionParams(ctx: Context): Promise<SupervisionParams> {
  const stored = await readState(ctx, supervisionParamsKey(ctx));
  return stored === undefined ? defaultSupervisionParams() : SupervisionParams.decode(stored);
}
