// What the acting org may see and do. A hospital or an insurer administers its own org; the
// regulator supervises every member, so it sees all orgs' identities (but enrolls only its own).
import type { OrgRole } from '../runtime/types';

export interface OrgRef {
  mspId: string;
  role: OrgRole;
}

/** Whether the acting org may see the identities of `org`. */
export function canSeeIdentitiesOf(acting: OrgRef, org: OrgRef): boolean {
  return acting.role === 'regulator' || acting.mspId === org.mspId;
}

/** Whether the acting org may enroll identities in `org`: only its own, and never the orderer org. */
export function canIssueIn(acting: OrgRef, org: OrgRef): boolean {
  return acting.mspId === org.mspId && org.role !== 'orderer';
}

/** The org a console acts as by default: the first hospital, else the first peer org. */
export function defaultActingOrg<T extends OrgRef>(orgs: readonly T[]): T | undefined {
  return orgs.find((org) => org.role === 'hospital') ?? orgs.find((org) => org.role !== 'orderer');
}
