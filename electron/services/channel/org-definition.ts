// An organization definition: what one org hands the consortium so it can be added to a channel
// (MSP ID, CA and TLS CA certificates, NodeOUs, anchor peers or orderer endpoints). A JSON file,
// validated on import (certificates parse, CAs are CA:TRUE, chains verify, MSP ID pattern) and
// exportable from the runtime's org material or from an org already in a channel config.
import { z } from 'zod';
import type { OrgMaterial } from '../pki';
import {
  certFingerprint,
  CertificateCheckError,
  checkRootCa,
  parseCertificate,
  revokedSerials,
  subjectOf,
  verifyChain,
} from './config-certs';
import { emptyGroup, type ConfigGroupNode } from './config-tree';
import { hostPortSchema, hostSchema, portSchema } from './host-port';
import {
  encodeAddresses,
  encodeAnchorPeers,
  encodeMsp,
  encodePolicy,
  VALUE_KEYS,
  type FabricMspDefinition,
  type HostPort,
} from './config-values';
import { PolicyError, signaturePolicyEnvelope } from './policy';

export const ORG_DEFINITION_FORMAT = 'medfabric.org-definition/v1';
export const MSP_ID_PATTERN = /^[A-Za-z][A-Za-z0-9.-]{0,63}$/;

export class OrgDefinitionError extends Error {
  override readonly name = 'OrgDefinitionError';
  constructor(
    readonly mspId: string,
    readonly problems: string[],
  ) {
    super(`organization definition${mspId ? ` for ${mspId}` : ''} refused: ${problems.join('; ')}`);
  }
}

const ouName = z.string().min(1).max(64);

const orgDefinitionSchema = z
  .object({
    format: z.literal(ORG_DEFINITION_FORMAT),
    mspId: z
      .string()
      .regex(MSP_ID_PATTERN, 'MSP IDs start with a letter, then letters, digits, "." or "-" (max 64)'),
    /** The org's group name in the channel config (configtx.yaml `Name`); defaults to the MSP ID. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" and "-"')
      .optional(),
    kind: z.enum(['application', 'orderer']),
    caCerts: z.array(z.string()).min(1, 'at least one CA certificate is needed'),
    intermediateCerts: z.array(z.string()).default([]),
    tlsCaCerts: z.array(z.string()).min(1, 'at least one TLS CA certificate is needed'),
    tlsIntermediateCerts: z.array(z.string()).default([]),
    /** Explicit admin certificates; with NodeOUs the admin OU is enough. */
    admins: z.array(z.string()).default([]),
    /** PEM CRLs signed by one of the CAs. */
    revocationList: z.array(z.string()).default([]),
    nodeOUs: z
      .object({
        enable: z.boolean(),
        clientOu: ouName.default('client'),
        peerOu: ouName.default('peer'),
        adminOu: ouName.default('admin'),
        ordererOu: ouName.default('orderer'),
      })
      .default({ enable: true, clientOu: 'client', peerOu: 'peer', adminOu: 'admin', ordererOu: 'orderer' }),
    anchorPeers: z.array(z.object({ host: hostSchema, port: portSchema }).strict()).default([]),
    ordererEndpoints: z.array(hostPortSchema).default([]),
    /** Org policies (Readers, Writers, Admins, Endorsement) as signature-policy text; defaults below. */
    policies: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/), z.string().min(1)).optional(),
  })
  .strict()
  .superRefine((definition, context) => {
    if (definition.kind === 'application' && definition.ordererEndpoints.length > 0) {
      context.addIssue({ code: 'custom', message: 'ordererEndpoints are only for orderer organizations' });
    }
    if (definition.kind === 'orderer' && definition.anchorPeers.length > 0) {
      context.addIssue({
        code: 'custom',
        message: 'anchorPeers are only for application (peer) organizations',
      });
    }
    if (definition.kind === 'orderer' && definition.ordererEndpoints.length === 0) {
      context.addIssue({
        code: 'custom',
        message: 'an orderer organization needs ordererEndpoints (mandatory with channel capability V3_0)',
      });
    }
    if (!definition.nodeOUs.enable && definition.admins.length === 0) {
      context.addIssue({
        code: 'custom',
        message:
          'with NodeOUs disabled, list the admin certificates in "admins" (otherwise nobody administers the org)',
      });
    }
  });

export type OrgDefinition = z.output<typeof orgDefinitionSchema>;
export type OrgDefinitionInput = z.input<typeof orgDefinitionSchema>;

export function orgGroupName(definition: OrgDefinition): string {
  return definition.name ?? definition.mspId;
}

/** The policies an org gets unless its definition says otherwise (as in the genesis block). */
export function defaultOrgPolicies(mspId: string, kind: OrgDefinition['kind']): Record<string, string> {
  if (kind === 'orderer') {
    return {
      Readers: `OR('${mspId}.member')`,
      Writers: `OR('${mspId}.member')`,
      Admins: `OR('${mspId}.admin')`,
    };
  }
  return {
    Readers: `OR('${mspId}.admin', '${mspId}.peer', '${mspId}.client')`,
    Writers: `OR('${mspId}.admin', '${mspId}.client')`,
    Admins: `OR('${mspId}.admin')`,
    Endorsement: `OR('${mspId}.peer')`,
  };
}

function schemaProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

/**
 * Validates an org definition (parsed JSON or text): schema, then every certificate. Throws
 * OrgDefinitionError listing each problem; returns the definition with defaults filled in.
 */
export async function validateOrgDefinition(input: unknown, now = new Date()): Promise<OrgDefinition> {
  let data = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input) as unknown;
    } catch (error) {
      throw new OrgDefinitionError('', [`not JSON: ${(error as Error).message}`]);
    }
  }
  const parsed = orgDefinitionSchema.safeParse(data);
  const mspIdGuess =
    typeof data === 'object' && data !== null && typeof (data as { mspId?: unknown }).mspId === 'string'
      ? (data as { mspId: string }).mspId
      : '';
  if (!parsed.success) throw new OrgDefinitionError(mspIdGuess, schemaProblems(parsed.error));
  const definition = parsed.data;
  const problems: string[] = [];
  const attempt = <T>(check: () => T): T | undefined => {
    try {
      return check();
    } catch (error) {
      if (error instanceof CertificateCheckError || error instanceof PolicyError) {
        problems.push(error.message);
        return undefined;
      }
      throw error;
    }
  };

  const roots = definition.caCerts.flatMap(
    (pem, i) => attempt(() => checkRootCa(pem, `CA certificate ${i + 1}`, now)) ?? [],
  );
  const tlsRoots = definition.tlsCaCerts.flatMap(
    (pem, i) => attempt(() => checkRootCa(pem, `TLS CA certificate ${i + 1}`, now)) ?? [],
  );
  const intermediates = definition.intermediateCerts.flatMap(
    (pem, i) => attempt(() => parseCertificate(pem, `intermediate CA ${i + 1}`)) ?? [],
  );
  const tlsIntermediates = definition.tlsIntermediateCerts.flatMap(
    (pem, i) => attempt(() => parseCertificate(pem, `TLS intermediate CA ${i + 1}`)) ?? [],
  );
  for (const [list, chainRoots, label] of [
    [intermediates, roots, 'intermediate CA'],
    [tlsIntermediates, tlsRoots, 'TLS intermediate CA'],
  ] as const) {
    for (const [i, cert] of list.entries()) {
      if (!cert.ca) {
        problems.push(`${label} ${i + 1} (${subjectOf(cert)}) is not a CA certificate (CA:TRUE missing)`);
        continue;
      }
      attempt(() =>
        verifyChain(
          cert,
          chainRoots,
          list.filter((other) => other !== cert),
          `${label} ${i + 1}`,
          now,
        ),
      );
    }
  }
  for (const [i, pem] of definition.admins.entries()) {
    const cert = attempt(() => parseCertificate(pem, `admin certificate ${i + 1}`));
    if (!cert) continue;
    if (cert.ca)
      problems.push(`admin certificate ${i + 1} (${subjectOf(cert)}) is a CA certificate, not an identity`);
    else attempt(() => verifyChain(cert, roots, intermediates, `admin certificate ${i + 1}`, now));
  }
  if (definition.revocationList.length > 0 && roots.length > 0) {
    try {
      await revokedSerials(definition.revocationList, [...roots, ...intermediates], definition.mspId);
    } catch (error) {
      if (!(error instanceof CertificateCheckError)) throw error;
      problems.push(error.message);
    }
  }
  const policies = definition.policies ?? defaultOrgPolicies(definition.mspId, definition.kind);
  for (const [name, rule] of Object.entries(policies)) {
    attempt(() => signaturePolicyEnvelope(rule));
    if (!rule.includes(`'${definition.mspId}.`)) {
      problems.push(
        `policy ${name} ("${rule}") does not name ${definition.mspId}; an org policy must refer to the org itself`,
      );
    }
  }
  if (!policies.Admins) problems.push('policies must include Admins (it guards every change to the org)');
  if (problems.length > 0) throw new OrgDefinitionError(definition.mspId, problems);
  return definition;
}

export function serializeOrgDefinition(definition: OrgDefinition): string {
  return `${JSON.stringify(definition, null, 2)}\n`;
}

/** The MSP value Fabric stores for the org (configtxgen layout: NodeOUs bound to the first CA). */
export function mspFromDefinition(definition: OrgDefinition): FabricMspDefinition {
  const firstCa = definition.caCerts[0];
  const ou = (identifier: string) => ({ ...(firstCa ? { certificate: firstCa } : {}), identifier });
  return {
    type: 'fabric',
    name: definition.mspId,
    rootCerts: definition.caCerts,
    intermediateCerts: definition.intermediateCerts,
    admins: definition.admins,
    revocationList: definition.revocationList,
    tlsRootCerts: definition.tlsCaCerts,
    tlsIntermediateCerts: definition.tlsIntermediateCerts,
    organizationalUnitIdentifiers: [],
    nodeOus: definition.nodeOUs.enable
      ? {
          enable: true,
          client: ou(definition.nodeOUs.clientOu),
          peer: ou(definition.nodeOUs.peerOu),
          admin: ou(definition.nodeOUs.adminOu),
          orderer: ou(definition.nodeOUs.ordererOu),
        }
      : { enable: false },
    cryptoConfig: { signatureHashFamily: 'SHA2', identityIdentifierHashFunction: 'SHA256' },
  };
}

/** The org's config group as configtxgen would encode it (every mod_policy "Admins"). */
export function orgGroupFromDefinition(definition: OrgDefinition): ConfigGroupNode {
  const group = emptyGroup('Admins');
  group.values[VALUE_KEYS.msp] = {
    version: 0,
    modPolicy: 'Admins',
    value: encodeMsp(mspFromDefinition(definition)),
  };
  if (definition.kind === 'application' && definition.anchorPeers.length > 0) {
    group.values[VALUE_KEYS.anchorPeers] = {
      version: 0,
      modPolicy: 'Admins',
      value: encodeAnchorPeers(definition.anchorPeers),
    };
  }
  if (definition.kind === 'orderer') {
    group.values[VALUE_KEYS.endpoints] = {
      version: 0,
      modPolicy: 'Admins',
      value: encodeAddresses(definition.ordererEndpoints),
    };
  }
  const policies = definition.policies ?? defaultOrgPolicies(definition.mspId, definition.kind);
  for (const [name, rule] of Object.entries(policies)) {
    group.policies[name] = {
      version: 0,
      modPolicy: 'Admins',
      policy: encodePolicy({ type: 'Signature', rule }),
    };
  }
  return group;
}

/** Definition of an org of this console's runtime (its channel MSP: CA, TLS CA, NodeOUs). */
export function orgDefinitionFromMaterial(
  material: OrgMaterial,
  options: { kind?: OrgDefinition['kind']; anchorPeers?: HostPort[]; ordererEndpoints?: string[] } = {},
): OrgDefinition {
  const kind = options.kind ?? (material.spec.kind === 'orderer' ? 'orderer' : 'application');
  return {
    format: ORG_DEFINITION_FORMAT,
    mspId: material.spec.mspId,
    kind,
    caCerts: [material.caCertPem],
    intermediateCerts: [],
    tlsCaCerts: [material.tlsCaCertPem],
    tlsIntermediateCerts: [],
    admins: [],
    revocationList: [],
    nodeOUs: { enable: true, clientOu: 'client', peerOu: 'peer', adminOu: 'admin', ordererOu: 'orderer' },
    anchorPeers: kind === 'application' ? (options.anchorPeers ?? []) : [],
    ordererEndpoints: kind === 'orderer' ? (options.ordererEndpoints ?? []) : [],
    policies: defaultOrgPolicies(material.spec.mspId, kind),
  };
}

/** One line per CA, for a review screen: subject and fingerprint. */
export function describeOrgDefinition(definition: OrgDefinition): string[] {
  const lines = [`${definition.mspId} (${definition.kind} organization)`];
  for (const pem of definition.caCerts) {
    lines.push(`  CA ${subjectOf(parseCertificate(pem, 'CA'))} sha256 ${certFingerprint(pem)}`);
  }
  for (const pem of definition.tlsCaCerts) {
    lines.push(`  TLS CA ${subjectOf(parseCertificate(pem, 'TLS CA'))} sha256 ${certFingerprint(pem)}`);
  }
  if (definition.anchorPeers.length > 0) {
    lines.push(`  anchor peers ${definition.anchorPeers.map((a) => `${a.host}:${a.port}`).join(', ')}`);
  }
  if (definition.ordererEndpoints.length > 0)
    lines.push(`  orderer endpoints ${definition.ordererEndpoints.join(', ')}`);
  return lines;
}
