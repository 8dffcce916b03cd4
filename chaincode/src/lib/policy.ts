import type { Caller } from './caller';
import type { MemberCaller } from './membership';

/**
 * The access rules shared by several contracts, as predicates so each transaction can combine them
 * and word its own error. README.md has the full matrix.
 */

/** Hospital staff with a clinical or administrative role, or the hospital's admin OU identity. */
export function isHospitalStaff(caller: MemberCaller, hospitalMspId: string): boolean {
  if (caller.orgKind !== 'hospital' || caller.mspId !== hospitalMspId) {
    return false;
  }
  return (
    caller.nodeOu === 'admin' ||
    (caller.nodeOu === 'client' &&
      (caller.role === 'doctor' || caller.role === 'nurse' || caller.role === 'admin'))
  );
}

/** Who may anchor or correct a hospital's records: its doctors, its admin-role clients, its admin OU. */
export function canAuthorRecords(caller: MemberCaller, hospitalMspId: string): boolean {
  return (
    isHospitalStaff(caller, hospitalMspId) &&
    (caller.nodeOu === 'admin' || caller.role === 'doctor' || caller.role === 'admin')
  );
}

/** A supervisor of the regulator: its admin OU, or a client with role auditor or admin. */
export function isRegulatorSupervisor(caller: MemberCaller): boolean {
  return (
    caller.orgKind === 'regulator' &&
    (caller.nodeOu === 'admin' ||
      (caller.nodeOu === 'client' && (caller.role === 'auditor' || caller.role === 'admin')))
  );
}

/** The patient identity of one pseudonym: client OU, role patient, matching patientId attribute. */
export function isPatient(caller: Caller, patientPseudonym: string): boolean {
  return caller.nodeOu === 'client' && caller.role === 'patient' && caller.patientId === patientPseudonym;
}

/** Short description of a caller for error messages. */
export function describeCaller(caller: Caller): string {
  return `${caller.mspId} ${caller.nodeOu} identity with role ${caller.role ?? '(none)'}`;
}
