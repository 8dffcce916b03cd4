import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { stableStringify } from '../lib/canonical-json';
import { emitClaimEvent, CLAIM_EVENT_NAMES } from '../lib/claim-events';
import {
  alertsByIndex,
  insertAlert,
  openAlert,
  requireAlert,
  requireClaim,
  updateAlert,
  updateClaim,
} from '../lib/claim-store';
import { AccessDeniedError, InvalidInputError, StateConflictError } from '../lib/errors';
import { INSURANCE_KEY_TYPES as K } from '../lib/insurance-keys';
import { isInsurerStaff, isRegulatorAdmin } from '../lib/insurance-policy';
import {
  readSupervisionParams,
  supervisionParamsKey,
  supervisionParamsVersionKey,
} from '../lib/insurance-store';
import { readState, txTimestamp, writeState } from '../lib/ledger';
import { authenticateMember, type MemberCaller } from '../lib/membership';
import { describeCaller, isRegulatorSupervisor } from '../lib/policy';
import {
  LIMITS,
  parseJsonArgument,
  requireEnum,
  requireId,
  requireObject,
  requireText,
} from '../lib/validation';
import { Claim, HoldDecision } from '../models/claim';
import {
  ALERT_RULE_IDS,
  ALERT_SEVERITIES,
  ALERT_STATUSES,
  PARAM_MEMBERS,
  SupervisionAlert,
  SupervisionParams,
  type AlertStatus,
} from '../models/supervision';
import { alertEventBody, claimEventBody } from './claims';

/** Nested parameter groups that SetSupervisionParams merges member by member. */
const NESTED_GROUPS = ['claimFrequency', 'severities', 'claimProtocol'] as const;

/**
 * The regulator's side of fund supervision: versioned thresholds of the filing rules, and the
 * review of supervision alerts (clear / confirm), plus alerts raised by off-chain rules.
 */
@Info({ title: 'Supervision', description: 'Fund-supervision thresholds and alerts' })
export class SupervisionContract extends Contract {
  constructor() {
    super('Supervision');
  }

  /**
   * Sets a new version of the thresholds. `params` is a JSON object with any of readmissionWindowDays,
   * claimFrequency {maxClaims, windowDays}, serviceLimits [{serviceCode, maxUnitsPerDay, maxUnitPrice}],
   * filingDeadlineDays, severities {R1, R3, R5, R6, R7, R8, R9: info|warn|hold}, claimProtocol
   * {maxCoveredCategories (K), minClaimKeyBits}; members left out keep their current value (nested
   * groups merge member by member; serviceLimits is replaced whole). Regulator admin only.
   */
  @Transaction()
  @Returns('string')
  public async SetSupervisionParams(ctx: Context, params: string): Promise<string> {
    const input = requireObject(parseJsonArgument(params, 'params'), 'params', [...PARAM_MEMBERS]);
    if (Object.keys(input).length === 0) {
      throw new InvalidInputError('params must set at least one threshold');
    }
    const caller = await authenticateMember(ctx);
    if (!isRegulatorAdmin(caller)) {
      throw new AccessDeniedError(
        `supervision parameters are set by the regulator's admin OU or admin-role clients; caller: ${describeCaller(caller)}`,
      );
    }
    const current = await readSupervisionParams(ctx);
    const merged: Record<string, unknown> = {
      readmissionWindowDays: current.readmissionWindowDays,
      claimFrequency: current.claimFrequency,
      serviceLimits: current.serviceLimits,
      filingDeadlineDays: current.filingDeadlineDays,
      severities: current.severities,
      claimProtocol: current.claimProtocol,
      ...input,
    };
    for (const group of NESTED_GROUPS) {
      const override = input[group];
      if (typeof override === 'object' && override !== null && !Array.isArray(override)) {
        merged[group] = { ...current[group], ...override };
      }
    }
    const thresholds = SupervisionParams.decodeThresholds(merged, 'params');
    const next = new SupervisionParams({
      ...thresholds,
      version: current.version + 1,
      setAt: txTimestamp(ctx),
      setBy: caller.id,
      txId: ctx.stub.getTxID(),
    });
    await writeState(ctx, supervisionParamsKey(ctx), next);
    await writeState(ctx, supervisionParamsVersionKey(ctx, next.version), next);
    emitClaimEvent(ctx, CLAIM_EVENT_NAMES.supervisionParamsSet, {
      version: next.version,
      readmissionWindowDays: next.readmissionWindowDays,
      claimFrequency: next.claimFrequency,
      serviceLimitCount: next.serviceLimits.length,
      filingDeadlineDays: next.filingDeadlineDays,
      severities: next.severities,
      claimProtocol: next.claimProtocol,
    });
    return stableStringify(next);
  }

  /** The thresholds in force (version 0 = built-in defaults). Any member. */
  @Transaction(false)
  @Returns('string')
  public async GetSupervisionParams(ctx: Context): Promise<string> {
    await authenticateMember(ctx);
    return stableStringify(await readSupervisionParams(ctx));
  }

  /** One earlier version of the thresholds (alerts name the version they used). Any member. */
  @Transaction(false)
  @Returns('string')
  public async GetSupervisionParamsVersion(ctx: Context, version: string): Promise<string> {
    if (typeof version !== 'string' || !/^[1-9][0-9]{0,7}$/.test(version)) {
      throw new InvalidInputError('version must be a positive integer in decimal digits');
    }
    await authenticateMember(ctx);
    const stored = await readState(ctx, supervisionParamsVersionKey(ctx, Number(version)));
    if (stored === undefined) {
      throw new StateConflictError(`Supervision parameters version ${version} does not exist`);
    }
    return stableStringify(SupervisionParams.decode(stored));
  }

  /**
   * An alert from an off-chain rule (the indexer's statistical rules: R2, R4, R10–R13, or a filing
   * rule re-run) about a claim; evidence is a JSON object. A hold alert puts a filed claim on hold.
   * Regulator supervisors only.
   */
  @Transaction()
  @Returns('string')
  public async RaiseAlert(
    ctx: Context,
    claimId: string,
    ruleId: string,
    severity: string,
    evidence: string,
  ): Promise<string> {
    const id = requireId(claimId, 'claimId');
    const rule = requireEnum(ruleId, 'ruleId', ALERT_RULE_IDS);
    if (rule === 'FUND_SHORT') {
      throw new InvalidInputError('FUND_SHORT alerts are raised by settlement only');
    }
    const level = requireEnum(severity, 'severity', ALERT_SEVERITIES);
    const evidenceObject: unknown = parseJsonArgument(evidence, 'evidence');
    if (typeof evidenceObject !== 'object' || evidenceObject === null || Array.isArray(evidenceObject)) {
      throw new InvalidInputError('evidence must be a JSON object');
    }
    const caller = await authenticateMember(ctx);
    requireSupervisor(caller, 'raise alerts');
    const claim = await requireClaim(ctx, id);
    const params = await readSupervisionParams(ctx);
    const now = txTimestamp(ctx);
    const alert = openAlert(ctx, {
      ruleId: rule,
      severity: level,
      evidence: evidenceObject,
      ordinal: 1,
      claim,
      paramsVersion: params.version,
      raisedAt: now,
      raisedBy: caller.id,
    });
    const holds = level === 'hold' && claim.status === 'filed';
    const updated = new Claim({
      ...claim,
      status: holds ? 'held' : claim.status,
      alertIds: [...claim.alertIds, alert.alertId],
      updatedAt: now,
    });
    await insertAlert(ctx, alert);
    await updateClaim(ctx, claim.status, updated);
    emitClaimEvent(ctx, CLAIM_EVENT_NAMES.alertRaised, {
      alert: alertEventBody(alert),
      claimId: id,
      claimStatus: updated.status,
      insurerMspId: claim.insurerMspId,
      hospitalMspId: claim.hospitalMspId,
    });
    return stableStringify(alert);
  }

  /**
   * The regulator clears an open alert (a false positive). When it was the last open hold alert of a
   * held claim, the claim is released (held → filed). Regulator supervisors only.
   */
  @Transaction()
  @Returns('string')
  public async ClearAlert(ctx: Context, alertId: string, resolution: string): Promise<string> {
    return this.resolve(ctx, alertId, resolution, 'cleared');
  }

  /** The regulator confirms an open alert; a held claim stays held. Regulator supervisors only. */
  @Transaction()
  @Returns('string')
  public async ConfirmAlert(ctx: Context, alertId: string, resolution: string): Promise<string> {
    return this.resolve(ctx, alertId, resolution, 'confirmed');
  }

  /** One supervision alert: for the regulator and the claim's insurer staff. */
  @Transaction(false)
  @Returns('string')
  public async GetSupervisionAlert(ctx: Context, alertId: string): Promise<string> {
    const id = requireId(alertId, 'alertId');
    const caller = await authenticateMember(ctx);
    const alert = await requireAlert(ctx, id);
    if (!canReadAlert(caller, alert)) {
      throw new AccessDeniedError(
        `alert ${id} is for the regulator and ${alert.insurerMspId} staff; caller: ${describeCaller(caller)}`,
      );
    }
    return stableStringify(alert);
  }

  /**
   * Supervision alerts of one claim in alert id order (named apart from Access:ListAlerts, which lists
   * break-glass alerts). For the regulator and the claim's insurer staff.
   */
  @Transaction(false)
  @Returns('string')
  public async ListSupervisionAlertsByClaim(ctx: Context, claimId: string): Promise<string> {
    const id = requireId(claimId, 'claimId');
    const caller = await authenticateMember(ctx);
    requireAlertReader(caller);
    return stableStringify(
      (await alertsByIndex(ctx, K.supervisionAlertByClaim, [id])).filter((alert) =>
        canReadAlert(caller, alert),
      ),
    );
  }

  /** Supervision alerts in one status (open | cleared | confirmed), restricted to those the caller may read. */
  @Transaction(false)
  @Returns('string')
  public async ListSupervisionAlertsByStatus(ctx: Context, status: string): Promise<string> {
    const alertStatus = requireEnum(status, 'status', ALERT_STATUSES);
    const caller = await authenticateMember(ctx);
    requireAlertReader(caller);
    return stableStringify(
      (await alertsByIndex(ctx, K.supervisionAlertByStatus, [alertStatus])).filter((alert) =>
        canReadAlert(caller, alert),
      ),
    );
  }

  private async resolve(
    ctx: Context,
    alertId: string,
    resolution: string,
    to: Exclude<AlertStatus, 'open'>,
  ): Promise<string> {
    const id = requireId(alertId, 'alertId');
    const note = requireText(resolution, 'resolution', LIMITS.reasonLength);
    const caller = await authenticateMember(ctx);
    requireSupervisor(caller, `${to === 'cleared' ? 'clear' : 'confirm'} alerts`);
    const alert = await requireAlert(ctx, id);
    if (alert.status !== 'open') {
      throw new StateConflictError(`Alert ${id} is already ${alert.status}`);
    }
    const now = txTimestamp(ctx);
    const resolved = new SupervisionAlert({
      ...alert,
      status: to,
      resolvedAt: now,
      resolvedBy: caller.id,
      resolution: note,
    });
    let released = false;
    let claim: Claim | null = null;
    if (to === 'cleared' && alert.severity === 'hold') {
      const current = await requireClaim(ctx, alert.claimId);
      const otherHolds = (await alertsByIndex(ctx, K.supervisionAlertByClaim, [alert.claimId])).filter(
        (other) => other.alertId !== id && other.severity === 'hold' && other.status === 'open',
      );
      if (current.status === 'held' && otherHolds.length === 0) {
        released = true;
        claim = new Claim({
          ...current,
          status: 'filed',
          holdDecisions: [
            ...current.holdDecisions,
            new HoldDecision({
              decision: 'released',
              reason: `hold alert ${id} cleared by the regulator: ${note}`.slice(0, LIMITS.reasonLength),
              decidedAt: now,
              decidedBy: caller.id,
              decidedByMspId: caller.mspId,
              txId: ctx.stub.getTxID(),
            }),
          ],
          updatedAt: now,
        });
        await updateClaim(ctx, current.status, claim);
      }
    }
    await updateAlert(ctx, alert.status, resolved);
    emitClaimEvent(
      ctx,
      to === 'cleared' ? CLAIM_EVENT_NAMES.alertCleared : CLAIM_EVENT_NAMES.alertConfirmed,
      {
        alertId: id,
        ruleId: alert.ruleId,
        severity: alert.severity,
        status: to,
        claimId: alert.claimId,
        claimReleased: released,
        claim: claim === null ? null : claimEventBody(claim),
      },
    );
    return stableStringify({ alert: resolved, claimReleased: released });
  }
}

function requireSupervisor(caller: MemberCaller, action: string): void {
  if (!isRegulatorSupervisor(caller)) {
    throw new AccessDeniedError(
      `only the regulator's supervisors (admin OU, auditor or admin role) may ${action}; caller: ${describeCaller(caller)}`,
    );
  }
}

function requireAlertReader(caller: MemberCaller): void {
  if (!isRegulatorSupervisor(caller) && !isInsurerStaff(caller, caller.mspId)) {
    throw new AccessDeniedError(
      `supervision alerts are for the regulator and insurer staff; caller: ${describeCaller(caller)}`,
    );
  }
}

function canReadAlert(caller: MemberCaller, alert: SupervisionAlert): boolean {
  return isRegulatorSupervisor(caller) || isInsurerStaff(caller, alert.insurerMspId);
}
