// Typed client of the MedFabric consortium chaincode (chaincode/README.md) for one client identity
// through one org's peer: string arguments in, parsed canonical JSON out, and Fabric errors turned
// into one message that carries every endorser's detail.
import { createHash, createHmac } from 'node:crypto';
import type { Contract } from '@hyperledger/fabric-gateway';
import { stableStringify } from '../../../chaincode/src/lib/canonical-json';
import { encryptPowers } from '../../../chaincode/src/lib/claim-crypto/encryption';
import { bigintToDecimal } from '../../../chaincode/src/lib/claim-crypto/serialization';
import type { SigningIdentity } from '../fabric/proposal';
import {
  describeFabricError,
  retryWhileDiscovering,
  type GatewayConnection,
} from '../gateway/gateway-client';
import type { NetworkRuntime } from '../runtime/network-runtime';
import type { NodeTopology, OrgTopology } from '../runtime/profile';

export const MEDFABRIC_CHAINCODE = 'medfabric';
export const ENCRYPTED_DIAGNOSIS_TRANSIENT_KEY = 'encryptedDiagnosis';

export type MedfabricContractName =
  'Consortium' | 'Records' | 'Consent' | 'Access' | 'Diagnostics' | 'Insurance' | 'Claims' | 'Supervision';
export type PeerOrgRole = 'hospital' | 'insurer' | 'regulator';
export type Purpose = 'treatment' | 'payment' | 'research' | 'audit';
export type EncounterType = 'outpatient' | 'inpatient' | 'emergency';
export type ConsentStatus = 'proposed' | 'active' | 'rejected' | 'inactive';

// ---- result shapes (the subset of chaincode/src/models the tests read) --------------------------

export interface MedicalRecord {
  recordId: string;
  version: number;
  rootRecordId: string;
  previousVersion: string | null;
  patientPseudonym: string;
  hospitalMspId: string;
  encounterType: EncounterType;
  admittedAt: string;
  dischargedAt: string;
  contentSha256: string;
  contentLocation: string;
  diagnosisTag: string;
  encryptedDiagnosisSha256: string;
  encryptedDiagnosisCollection: string;
  recordedAt: string;
  recordedBy: string;
  txId: string;
}

export interface EncryptedDiagnosisPayload {
  claimKeyId: string;
  ciphertexts: string[];
}

export interface EncryptedDiagnosisResult {
  recordId: string;
  collection: string;
  sha256: string;
  encryptedDiagnosis: EncryptedDiagnosisPayload;
}

export interface ConsentScope {
  recordIds: string[];
  recordTypes: EncounterType[];
}

export interface Consent {
  consentId: string;
  status: ConsentStatus;
  patientPseudonym: string;
  requester: { mspId: string; id: string; role: string; orgKind: string };
  purpose: Purpose;
  scope: ConsentScope;
  periodStart: string;
  periodEnd: string;
  requestedAt: string;
  approvedAt: string | null;
  rejectedAt: string | null;
  revokedAt: string | null;
}

export interface PointerResponse {
  recordId: string;
  version: number;
  patientPseudonym: string;
  hospitalMspId: string;
  encounterType: EncounterType;
  contentLocation: string;
  contentSha256: string;
  supersededBy: string | null;
  disclosureId: string;
  basis: 'custodian' | 'consent' | 'emergency';
  consentId: string | null;
  /** EmergencyAccess only. */
  alertId?: string;
}

export interface Disclosure {
  disclosureId: string;
  recordId: string;
  recordVersion: number;
  patientPseudonym: string;
  hospitalMspId: string;
  accessorMspId: string;
  accessorId: string;
  accessorRole: string | null;
  purpose: Purpose;
  basis: 'custodian' | 'consent' | 'emergency';
  consentId: string | null;
  reason: string | null;
  alertId: string | null;
  accessedAt: string;
}

export interface Alert {
  alertId: string;
  kind: string;
  severity: string;
  patientPseudonym: string;
  recordId: string;
  hospitalMspId: string;
  actorMspId: string;
  actorId: string;
  regulatorMspId: string;
  reason: string;
  raisedAt: string;
}

export interface ConsortiumMember {
  mspId: string;
  kind: 'regulator' | 'hospital' | 'insurer';
  displayName: string;
}

export interface RecordEncounterInput {
  recordId: string;
  patientPseudonym: string;
  hospitalMspId: string;
  encounterType: EncounterType;
  admittedAt: string;
  dischargedAt: string;
  contentSha256: string;
  contentLocation: string;
  diagnosisTag: string;
  encryptedDiagnosisSha256: string;
  /** The bytes put in the transient map under `encryptedDiagnosis` (any JSON key order/whitespace). */
  encryptedDiagnosis: Uint8Array;
}

export interface CallOptions {
  /** Orgs whose peers endorse (submit) or answer (evaluate); default: the Gateway decides. */
  endorsingOrganizations?: string[];
  transientData?: Record<string, Uint8Array>;
}

// ---- the client ----------------------------------------------------------------------------------

/** One identity's Gateway session through one peer, with the contracts' transactions as methods. */
export class MedfabricClient {
  private readonly connection: GatewayConnection;
  private readonly channel: string;

  constructor(
    runtime: NetworkRuntime,
    readonly peer: NodeTopology,
    readonly identity: SigningIdentity,
    readonly label: string,
  ) {
    this.connection = runtime.gateway(peer, identity);
    this.channel = runtime.channel;
  }

  get mspId(): string {
    return this.identity.mspId;
  }

  close(): void {
    this.connection.close();
  }

  private contract(name: MedfabricContractName): Contract {
    return this.connection.gateway.getNetwork(this.channel).getContract(MEDFABRIC_CHAINCODE, name);
  }

  /** Endorses, orders and waits for the commit; throws one readable error otherwise. */
  async submit(
    contract: MedfabricContractName,
    transaction: string,
    args: readonly string[],
    options: CallOptions = {},
  ): Promise<string> {
    try {
      // A peer that just restarted is briefly missing from other orgs' endorsement plans.
      const result = await retryWhileDiscovering(() =>
        this.contract(contract).submit(transaction, {
          arguments: [...args],
          ...(options.transientData ? { transientData: options.transientData } : {}),
          ...(options.endorsingOrganizations
            ? { endorsingOrganizations: options.endorsingOrganizations }
            : {}),
        }),
      );
      return Buffer.from(result).toString('utf8');
    } catch (error) {
      throw describeFabricError(error, this.connection.endpoint, `${this.label}: ${contract}:${transaction}`);
    }
  }

  async evaluate(
    contract: MedfabricContractName,
    transaction: string,
    args: readonly string[],
    options: CallOptions = {},
  ): Promise<string> {
    try {
      const result = await this.contract(contract).evaluate(transaction, {
        arguments: [...args],
        ...(options.transientData ? { transientData: options.transientData } : {}),
        ...(options.endorsingOrganizations ? { endorsingOrganizations: options.endorsingOrganizations } : {}),
      });
      return Buffer.from(result).toString('utf8');
    } catch (error) {
      throw describeFabricError(error, this.connection.endpoint, `${this.label}: ${contract}:${transaction}`);
    }
  }

  async submitJson<T>(
    contract: MedfabricContractName,
    transaction: string,
    args: readonly string[],
    options?: CallOptions,
  ): Promise<T> {
    return JSON.parse(await this.submit(contract, transaction, args, options)) as T;
  }

  async evaluateJson<T>(
    contract: MedfabricContractName,
    transaction: string,
    args: readonly string[],
    options?: CallOptions,
  ): Promise<T> {
    return JSON.parse(await this.evaluate(contract, transaction, args, options)) as T;
  }

  // ---- Consortium / Diagnostics ------------------------------------------------------------------

  getMembers(options?: CallOptions): Promise<ConsortiumMember[]> {
    return this.evaluateJson('Consortium', 'GetMembers', [], options);
  }

  /** Returns the bare tx id. */
  ping(options?: CallOptions): Promise<string> {
    return this.submit('Diagnostics', 'Ping', [], options);
  }

  // ---- Records ------------------------------------------------------------------------------------

  recordEncounter(input: RecordEncounterInput, options: CallOptions = {}): Promise<MedicalRecord> {
    return this.submitJson<MedicalRecord>(
      'Records',
      'RecordEncounter',
      [
        input.recordId,
        input.patientPseudonym,
        input.hospitalMspId,
        input.encounterType,
        input.admittedAt,
        input.dischargedAt,
        input.contentSha256,
        input.contentLocation,
        input.diagnosisTag,
        input.encryptedDiagnosisSha256,
      ],
      {
        ...options,
        transientData: {
          ...options.transientData,
          [ENCRYPTED_DIAGNOSIS_TRANSIENT_KEY]: input.encryptedDiagnosis,
        },
      },
    );
  }

  getRecordHistory(
    recordId: string,
    options?: CallOptions,
  ): Promise<{
    recordId: string;
    rootRecordId: string;
    versions: (MedicalRecord & { supersededBy: string | null })[];
  }> {
    return this.evaluateJson('Records', 'GetRecordHistory', [recordId], options);
  }

  getEncryptedDiagnosis(recordId: string, options?: CallOptions): Promise<EncryptedDiagnosisResult> {
    return this.evaluateJson('Records', 'GetEncryptedDiagnosis', [recordId], options);
  }

  // ---- Consent ------------------------------------------------------------------------------------

  requestAccess(
    request: {
      patientPseudonym: string;
      purpose: Purpose;
      scope: Partial<ConsentScope>;
      periodStart: string;
      periodEnd: string;
    },
    options?: CallOptions,
  ): Promise<Consent> {
    return this.submitJson(
      'Consent',
      'RequestAccess',
      [
        request.patientPseudonym,
        request.purpose,
        JSON.stringify(request.scope),
        request.periodStart,
        request.periodEnd,
      ],
      options,
    );
  }

  approveAccess(consentId: string, options?: CallOptions): Promise<Consent> {
    return this.submitJson('Consent', 'ApproveAccess', [consentId], options);
  }

  rejectAccess(consentId: string, options?: CallOptions): Promise<Consent> {
    return this.submitJson('Consent', 'RejectAccess', [consentId], options);
  }

  revokeAccess(consentId: string, options?: CallOptions): Promise<Consent> {
    return this.submitJson('Consent', 'RevokeAccess', [consentId], options);
  }

  getConsent(consentId: string, options?: CallOptions): Promise<Consent> {
    return this.evaluateJson('Consent', 'GetConsent', [consentId], options);
  }

  // ---- Access -------------------------------------------------------------------------------------

  accessRecord(recordId: string, purpose: Purpose, options?: CallOptions): Promise<PointerResponse> {
    return this.submitJson('Access', 'AccessRecord', [recordId, purpose], options);
  }

  emergencyAccess(recordId: string, reason: string, options?: CallOptions): Promise<PointerResponse> {
    return this.submitJson('Access', 'EmergencyAccess', [recordId, reason], options);
  }

  listDisclosures(patientPseudonym: string, options?: CallOptions): Promise<Disclosure[]> {
    return this.evaluateJson('Access', 'ListDisclosures', [patientPseudonym], options);
  }

  listAlerts(patientPseudonym: string, options?: CallOptions): Promise<Alert[]> {
    return this.evaluateJson('Access', 'ListAlerts', [patientPseudonym], options);
  }
}

// ---- identities and orgs -------------------------------------------------------------------------

export function peerOrgOf(runtime: NetworkRuntime, role: PeerOrgRole): OrgTopology {
  const org = runtime.topology.peerOrgs.find((candidate) => candidate.role === role);
  if (!org) throw new Error(`the network has no ${role} org`);
  return org;
}

/**
 * Issues a client identity from the CA of the `role` org (attributes such as {role: 'doctor'}) and
 * opens a Gateway session for it through that org's first peer. `name` must be unique in the state dir.
 */
export async function issueMedfabricClient(
  runtime: NetworkRuntime,
  role: PeerOrgRole,
  name: string,
  attributes: Record<string, string>,
): Promise<MedfabricClient> {
  const org = peerOrgOf(runtime, role);
  const identity = await runtime.issueClient(org.mspId, name, attributes);
  return new MedfabricClient(runtime, runtime.firstPeerOf(org), identity, `${name} (${org.mspId})`);
}

/** A name for issued identities and ledger ids that is unique per run: [a-z0-9-], ≤ 20 chars. */
export function uniqueRunTag(prefix = 'r'): string {
  return `${prefix}${Date.now().toString(36)}-${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}

// ---- record payloads ---------------------------------------------------------------------------

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The private payload of an encounter: E(x), …, E(x^K) under the insurer's key `n`, the transient
 * bytes (deliberately NOT canonical: other key order and whitespace, which the chaincode must
 * re-serialise) and the SHA-256 of the canonical sorted-key JSON {claimKeyId, ciphertexts}.
 */
export function encryptedDiagnosisFor(
  n: bigint,
  claimKeyId: string,
  category: number,
  K: number,
): { payload: EncryptedDiagnosisPayload; transient: Uint8Array; sha256: string; randomness: bigint[] } {
  const powers = encryptPowers(n, category, K);
  const payload: EncryptedDiagnosisPayload = {
    claimKeyId,
    ciphertexts: powers.ciphertexts.map((c) => bigintToDecimal(c)),
  };
  const transient = Buffer.from(
    JSON.stringify({ ciphertexts: payload.ciphertexts, claimKeyId: payload.claimKeyId }, null, 1),
    'utf8',
  );
  return { payload, transient, sha256: sha256Hex(stableStringify(payload)), randomness: powers.randomness };
}

/** The supervision tag: HMAC-SHA-256 of the ICD-10 category under the hospitals' shared key (a test key). */
export function diagnosisTagFor(category: number, key = 'medfabric-integration-tag-key'): string {
  return createHmac('sha256', key).update(String(category)).digest('hex');
}
