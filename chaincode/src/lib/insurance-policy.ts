import type { MemberCaller } from './membership';

/**
 * Access rules of the insurance, claims and supervision contracts (README.md has the matrix), as
 * predicates so each transaction can word its own error.
 */

/** An insurer's administrator: its admin OU identity, or a client with role admin. */
export function isInsurerAdmin(caller: MemberCaller, insurerMspId: string = caller.mspId): boolean {
  return (
    caller.orgKind === 'insurer' &&
    caller.mspId === insurerMspId &&
    (caller.nodeOu === 'admin' || (caller.nodeOu === 'client' && caller.role === 'admin'))
  );
}

/** Who adjudicates an insurer's claims: its adjusters and administrators. */
export function isInsurerAdjuster(caller: MemberCaller, insurerMspId: string): boolean {
  return (
    isInsurerAdmin(caller, insurerMspId) ||
    (caller.orgKind === 'insurer' &&
      caller.mspId === insurerMspId &&
      caller.nodeOu === 'client' &&
      caller.role === 'adjuster')
  );
}

/** Who decides on held claims: the insurer's compliance officers (role compliance) and administrators. */
export function isInsurerCompliance(caller: MemberCaller, insurerMspId: string): boolean {
  return (
    isInsurerAdmin(caller, insurerMspId) ||
    (caller.orgKind === 'insurer' &&
      caller.mspId === insurerMspId &&
      caller.nodeOu === 'client' &&
      caller.role === 'compliance')
  );
}

/** Any of the above: who may read an insurer's claims, alerts and fund. */
export function isInsurerStaff(caller: MemberCaller, insurerMspId: string): boolean {
  return isInsurerAdjuster(caller, insurerMspId) || isInsurerCompliance(caller, insurerMspId);
}

/** The regulator's administrator: admin OU, or a client with role admin. */
export function isRegulatorAdmin(caller: MemberCaller): boolean {
  return (
    caller.orgKind === 'regulator' &&
    (caller.nodeOu === 'admin' || (caller.nodeOu === 'client' && caller.role === 'admin'))
  );
}

/** A hospital's billing side: its admin OU identity or a client with role admin (fund account reads). */
export function isHospitalAdmin(caller: MemberCaller, hospitalMspId: string): boolean {
  return (
    caller.orgKind === 'hospital' &&
    caller.mspId === hospitalMspId &&
    (caller.nodeOu === 'admin' || (caller.nodeOu === 'client' && caller.role === 'admin'))
  );
}
