import type { Context } from 'fabric-contract-api';
import { Claim, type ClaimItem, type ClaimStatus } from '../models/claim';
import {
  SupervisionAlert,
  type AlertRuleId,
  type AlertStatus,
  type SupervisionSeverity,
} from '../models/supervision';
import { stableStringify } from './canonical-json';
import { StateConflictError } from './errors';
import { INSURANCE_KEY_TYPES as K } from './insurance-keys';
import {
  compositeKey,
  readState,
  scanByPartialKey,
  stateExists,
  writeIndexEntry,
  writeState,
} from './ledger';

export function claimKey(ctx: Context, claimId: string): string {
  return compositeKey(ctx, K.claim, [claimId]);
}

function claimStatusKey(ctx: Context, status: ClaimStatus, claimId: string): string {
  return compositeKey(ctx, K.claimByStatus, [status, claimId]);
}

export function serviceLineKeyPrefix(
  patient: string,
  hospital: string,
  serviceCode: string,
  serviceDate: string,
): string[] {
  return [patient, hospital, serviceCode, serviceDate];
}

export async function claimExists(ctx: Context, claimId: string): Promise<boolean> {
  return stateExists(ctx, claimKey(ctx, claimId));
}

export async function readClaim(ctx: Context, claimId: string): Promise<Claim | undefined> {
  const stored = await readState(ctx, claimKey(ctx, claimId));
  return stored === undefined ? undefined : Claim.decode(stored);
}

export async function requireClaim(ctx: Context, claimId: string): Promise<Claim> {
  const claim = await readClaim(ctx, claimId);
  if (claim === undefined) {
    throw new StateConflictError(`Claim ${claimId} does not exist`);
  }
  return claim;
}

/** The claim's distinct (service code, service date) lines, in key order. */
export function distinctLines(items: readonly ClaimItem[]): { serviceCode: string; serviceDate: string }[] {
  const seen = new Map<string, { serviceCode: string; serviceDate: string }>();
  for (const { serviceCode, serviceDate } of items) {
    seen.set(`${serviceCode}\u0000${serviceDate}`, { serviceCode, serviceDate });
  }
  return [...seen.entries()]
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
    .map(([, line]) => line);
}

/** Writes a new claim with its index entries (status, hospital, patient, insurer, service lines). */
export async function insertClaim(ctx: Context, claim: Claim): Promise<void> {
  await writeState(ctx, claimKey(ctx, claim.claimId), claim);
  await writeIndexEntry(ctx, claimStatusKey(ctx, claim.status, claim.claimId));
  await writeIndexEntry(
    ctx,
    compositeKey(ctx, K.claimByHospital, [claim.hospitalMspId, claim.filedAt, claim.claimId]),
  );
  await writeIndexEntry(
    ctx,
    compositeKey(ctx, K.claimByPatient, [claim.patientPseudonym, claim.filedAt, claim.claimId]),
  );
  await writeIndexEntry(
    ctx,
    compositeKey(ctx, K.claimByInsurer, [claim.insurerMspId, claim.filedAt, claim.claimId]),
  );
  for (const { serviceCode, serviceDate } of distinctLines(claim.items)) {
    await writeIndexEntry(
      ctx,
      compositeKey(ctx, K.claimServiceLine, [
        ...serviceLineKeyPrefix(claim.patientPseudonym, claim.hospitalMspId, serviceCode, serviceDate),
        claim.claimId,
      ]),
    );
  }
}

/** Writes a claim after a transition and moves it between status index entries. */
export async function updateClaim(ctx: Context, previousStatus: ClaimStatus, claim: Claim): Promise<void> {
  await writeState(ctx, claimKey(ctx, claim.claimId), claim);
  if (previousStatus !== claim.status) {
    await ctx.stub.deleteState(claimStatusKey(ctx, previousStatus, claim.claimId));
    await writeIndexEntry(ctx, claimStatusKey(ctx, claim.status, claim.claimId));
  }
}

/** Claim ids under a partial key; the claim id is the last attribute of every claim index. */
export async function claimIdsByIndex(
  ctx: Context,
  objectType: string,
  attributes: readonly string[],
): Promise<string[]> {
  const entries = await scanByPartialKey(ctx, objectType, attributes);
  return entries.map(({ attributes: parts }) => parts[parts.length - 1] ?? '').filter((id) => id !== '');
}

/** Claims under a partial key, in key order. */
export async function claimsByIndex(
  ctx: Context,
  objectType: string,
  attributes: readonly string[],
): Promise<Claim[]> {
  const claims: Claim[] = [];
  for (const claimId of await claimIdsByIndex(ctx, objectType, attributes)) {
    claims.push(await requireClaim(ctx, claimId));
  }
  return claims;
}

export function alertKey(ctx: Context, alertId: string): string {
  return compositeKey(ctx, K.supervisionAlert, [alertId]);
}

function alertStatusKey(ctx: Context, status: AlertStatus, alertId: string): string {
  return compositeKey(ctx, K.supervisionAlertByStatus, [status, alertId]);
}

/**
 * A new open supervision alert about a claim. Its id is `<txId>:<ruleId>:<ordinal>`: the ordinal
 * (from 1) tells apart alerts of one rule raised by the same transaction.
 */
export function openAlert(
  ctx: Context,
  alert: {
    ruleId: AlertRuleId;
    severity: SupervisionSeverity;
    evidence: unknown;
    ordinal: number;
    claim: Pick<Claim, 'claimId' | 'patientPseudonym' | 'hospitalMspId' | 'insurerMspId'>;
    paramsVersion: number;
    raisedAt: string;
    raisedBy: string;
  },
): SupervisionAlert {
  return new SupervisionAlert({
    alertId: `${ctx.stub.getTxID()}:${alert.ruleId}:${alert.ordinal}`,
    ruleId: alert.ruleId,
    severity: alert.severity,
    status: 'open',
    evidence: stableStringify(alert.evidence),
    claimId: alert.claim.claimId,
    patientPseudonym: alert.claim.patientPseudonym,
    hospitalMspId: alert.claim.hospitalMspId,
    insurerMspId: alert.claim.insurerMspId,
    paramsVersion: alert.paramsVersion,
    raisedAt: alert.raisedAt,
    raisedBy: alert.raisedBy,
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
  });
}

export async function insertAlert(ctx: Context, alert: SupervisionAlert): Promise<void> {
  await writeState(ctx, alertKey(ctx, alert.alertId), alert);
  await writeIndexEntry(ctx, compositeKey(ctx, K.supervisionAlertByClaim, [alert.claimId, alert.alertId]));
  await writeIndexEntry(ctx, alertStatusKey(ctx, alert.status, alert.alertId));
}

export async function updateAlert(
  ctx: Context,
  previousStatus: AlertStatus,
  alert: SupervisionAlert,
): Promise<void> {
  await writeState(ctx, alertKey(ctx, alert.alertId), alert);
  if (previousStatus !== alert.status) {
    await ctx.stub.deleteState(alertStatusKey(ctx, previousStatus, alert.alertId));
    await writeIndexEntry(ctx, alertStatusKey(ctx, alert.status, alert.alertId));
  }
}

export async function requireAlert(ctx: Context, alertId: string): Promise<SupervisionAlert> {
  const stored = await readState(ctx, alertKey(ctx, alertId));
  if (stored === undefined) {
    throw new StateConflictError(`Supervision alert ${alertId} does not exist`);
  }
  return SupervisionAlert.decode(stored);
}

/** Alerts under a partial key of one of the alert indexes (the alert id is the last attribute). */
export async function alertsByIndex(
  ctx: Context,
  objectType: string,
  attributes: readonly string[],
): Promise<SupervisionAlert[]> {
  const alerts: SupervisionAlert[] = [];
  for (const { attributes: parts } of await scanByPartialKey(ctx, objectType, attributes)) {
    const alertId = parts[parts.length - 1];
    if (alertId !== undefined) {
      alerts.push(await requireAlert(ctx, alertId));
    }
  }
  return alerts;
}
