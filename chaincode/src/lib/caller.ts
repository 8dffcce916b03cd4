import type { Context } from 'fabric-contract-api';
import { AccessDeniedError } from './errors';
import { requireId } from './validation';

export const NODE_OUS = ['client', 'admin', 'peer', 'orderer'] as const;
export type NodeOu = (typeof NODE_OUS)[number];

/** `compliance` (an insurer's compliance officer: decides on held claims) was added by the claims part. */
export const ROLES = [
  'doctor',
  'nurse',
  'admin',
  'patient',
  'auditor',
  'adjuster',
  'researcher',
  'compliance',
] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as far as access control is concerned. */
export interface Caller {
  mspId: string;
  /** The certificate identity: `x509::<subject DN>::<issuer DN>`, unique within the MSP. */
  id: string;
  nodeOu: NodeOu;
  /** The `role` certificate attribute; null when the certificate has none (e.g. an admin OU identity). */
  role: Role | null;
  /** The `patientId` attribute of a patient identity (its pseudonym); null for every other role. */
  patientId: string | null;
}

/**
 * The one place that reads the caller's identity: MSP id, node OU (from the X.509 subject) and the
 * `role` / `patientId` certificate attributes. Malformed identities are refused rather than guessed.
 */
export function readCaller(ctx: Context): Caller {
  const identity = ctx.clientIdentity;
  const mspId = identity.getMSPID();
  const id = identity.getID();
  const nodeOu = nodeOuOf(id);

  const roleAttribute = identity.getAttributeValue('role');
  let role: Role | null = null;
  if (roleAttribute !== null && roleAttribute !== '') {
    const knownRole = ROLES.find((candidate) => candidate === roleAttribute);
    if (knownRole === undefined) {
      throw new AccessDeniedError(`the certificate's role attribute '${roleAttribute}' is not a known role`);
    }
    role = knownRole;
  }

  let patientId: string | null = null;
  if (role === 'patient') {
    const patientAttribute = identity.getAttributeValue('patientId');
    if (patientAttribute === null || patientAttribute === '') {
      throw new AccessDeniedError('a patient identity must carry a patientId certificate attribute');
    }
    patientId = requireId(patientAttribute, 'patientId certificate attribute');
  }
  return { mspId, id, nodeOu, role, patientId };
}

/**
 * fabric-shim formats the id as `x509::/K=V/.../K=V::/K=V...` (subject, then issuer). Fabric's MSP
 * accepts only identities with exactly one node OU, so a subject with zero or several node-OU values
 * (which a crafted CN containing "/OU=admin" would produce) is refused.
 */
export function nodeOuOf(identityId: string): NodeOu {
  const prefix = 'x509::';
  const issuerSeparator = identityId.lastIndexOf('::/');
  if (!identityId.startsWith(prefix) || issuerSeparator < prefix.length) {
    throw new AccessDeniedError('the caller is not identified by an X.509 certificate');
  }
  const subject = identityId.slice(prefix.length, issuerSeparator);
  const nodeOus = subject
    .split(/(?<!\\)\//)
    .filter((component) => component.startsWith('OU='))
    .map((component) => component.slice('OU='.length))
    .flatMap((value) => NODE_OUS.filter((nodeOu) => nodeOu === value));
  const [nodeOu, ...others] = nodeOus;
  if (nodeOu === undefined || others.length > 0) {
    throw new AccessDeniedError(
      `the certificate subject must name exactly one node OU (client, admin, peer or orderer), found ${nodeOus.length}`,
    );
  }
  return nodeOu;
}
