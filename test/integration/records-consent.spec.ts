// Issue 3 acceptance against the real network: a hospital doctor anchors an encounter with the
// Paillier-encrypted diagnosis in the hospital–regulator private data collection; an insurer adjuster
// reads the record pointer only while the patient's consent is active, and every read is in the
// accounting of disclosures; the private data is on the hospital and regulator peers only; a
// doctor's break-glass access is recorded and raises an alert the regulator can list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateClaimKeyPair,
  icd10Category,
  toPaillierKeys,
  type ClaimKeyPair,
} from '../../chaincode/src/lib/claim-crypto';
import type { NetworkRuntime } from '../../electron/services/runtime/network-runtime';
import {
  diagnosisTagFor,
  encryptedDiagnosisFor,
  issueMedfabricClient,
  peerOrgOf,
  sha256Hex,
  uniqueRunTag,
  type Consent,
  type ConsentStatus,
  type MedfabricClient,
  type MedicalRecord,
} from '../../electron/services/medfabric/medfabric-client';
import { attachRuntime, eventually } from './support/shared-network';

/** Encrypted powers per encounter (DESIGN §7: K ≤ 64; small here, the chaincode accepts 1..64). */
const K = 4;
const ICD10 = 'J45.909';

let runtime: NetworkRuntime;
let keyPair: ClaimKeyPair;
let hospitalMsp: string;
let insurerMsp: string;
let regulatorMsp: string;
let peerMsps: string[];

let doctor: MedfabricClient;
let adjuster: MedfabricClient;
let patient: MedfabricClient;
let auditor: MedfabricClient;
const clients: MedfabricClient[] = [];

const tag = uniqueRunTag('rc');
const patientId = `P-${tag}`;
const recordId = `REC-${tag}`;
const claimKeyId = `claimkey-${tag}`;
const category = icd10Category(ICD10);
let diagnosis: ReturnType<typeof encryptedDiagnosisFor>;
let record: MedicalRecord;
let consentId: string;

const minutes = (n: number): string => new Date(Date.now() + n * 60_000).toISOString();

/** Resolves once `client` sees the consent in `status` on every peer (hospital, insurer, regulator). */
async function consentStatusEverywhere(
  client: MedfabricClient,
  id: string,
  status: ConsentStatus,
): Promise<void> {
  for (const mspId of peerMsps) {
    await eventually(
      async () => {
        const consent = await client.getConsent(id, { endorsingOrganizations: [mspId] });
        return consent.status === status ? consent : undefined;
      },
      30_000,
      `consent ${id} ${status} on the ${mspId} peer`,
    );
  }
}

beforeAll(async () => {
  runtime = await attachRuntime();
  hospitalMsp = peerOrgOf(runtime, 'hospital').mspId;
  insurerMsp = peerOrgOf(runtime, 'insurer').mspId;
  regulatorMsp = peerOrgOf(runtime, 'regulator').mspId;
  peerMsps = [hospitalMsp, insurerMsp, regulatorMsp];

  // The insurer's claim key (2048-bit, the production size): the hospital encrypts to its n.
  keyPair = await generateClaimKeyPair(2048);
  diagnosis = encryptedDiagnosisFor(keyPair.publicKey.n, claimKeyId, category, K);

  doctor = await issueMedfabricClient(runtime, 'hospital', `doctor-${tag}`, { role: 'doctor' });
  adjuster = await issueMedfabricClient(runtime, 'insurer', `adjuster-${tag}`, { role: 'adjuster' });
  patient = await issueMedfabricClient(runtime, 'hospital', `patient-${tag}`, { role: 'patient', patientId });
  auditor = await issueMedfabricClient(runtime, 'regulator', `auditor-${tag}`, { role: 'auditor' });
  clients.push(doctor, adjuster, patient, auditor);

  // The consortium registry is initialised by `up`; gossip may still be learning peers after a restart.
  const members = await eventually(
    async () => {
      const list = await doctor.getMembers();
      return list.length >= 3 ? list : undefined;
    },
    60_000,
    'the consortium member registry',
  );
  // The sandbox members at least (another test file may have onboarded one more).
  expect(members.map((m) => [m.mspId, m.kind])).toEqual(
    expect.arrayContaining([
      [hospitalMsp, 'hospital'],
      [insurerMsp, 'insurer'],
      [regulatorMsp, 'regulator'],
    ]),
  );
});

afterAll(() => {
  for (const client of clients) client.close();
});

describe('records, consent and disclosures (issue 3)', () => {
  it('refuses an encounter whose encryptedDiagnosisSha256 is not the hash of the canonical payload', async () => {
    // The hash of the bytes as sent (not canonical) is not what the chaincode anchors.
    const wrongHash = sha256Hex(diagnosis.transient);
    await expect(
      doctor.recordEncounter(
        {
          recordId: `${recordId}-bad`,
          patientPseudonym: patientId,
          hospitalMspId: hospitalMsp,
          encounterType: 'inpatient',
          admittedAt: '2025-03-01T09:00:00+01:00',
          dischargedAt: '2025-03-04T11:30:00Z',
          contentSha256: sha256Hex(`fhir-bundle-${tag}`),
          contentLocation: `fhir://hospital.medfabric.local/Bundle/${recordId}`,
          diagnosisTag: diagnosisTagFor(category),
          encryptedDiagnosisSha256: wrongHash,
          encryptedDiagnosis: diagnosis.transient,
        },
        { endorsingOrganizations: [hospitalMsp, regulatorMsp] },
      ),
    ).rejects.toThrow(
      /Invalid input: encryptedDiagnosisSha256 [0-9a-f]{64} does not match the SHA-256 of the canonical transient encryptedDiagnosis/,
    );
  });

  it('a hospital doctor anchors an encounter; the encrypted diagnosis goes to the hospital–regulator collection', async () => {
    const contentSha256 = sha256Hex(`fhir-bundle-${tag}`);
    // Endorsed by the hospital and the regulator: the members of diagnosis_<hospital>, so both store it.
    record = await doctor.recordEncounter(
      {
        recordId,
        patientPseudonym: patientId,
        hospitalMspId: hospitalMsp,
        encounterType: 'inpatient',
        admittedAt: '2025-03-01T09:00:00+01:00',
        dischargedAt: '2025-03-04T11:30:00Z',
        contentSha256,
        contentLocation: `fhir://hospital.medfabric.local/Bundle/${recordId}`,
        diagnosisTag: diagnosisTagFor(category),
        encryptedDiagnosisSha256: diagnosis.sha256,
        encryptedDiagnosis: diagnosis.transient,
      },
      { endorsingOrganizations: [hospitalMsp, regulatorMsp] },
    );
    expect(record).toMatchObject({
      recordId,
      version: 1,
      rootRecordId: recordId,
      previousVersion: null,
      patientPseudonym: patientId,
      hospitalMspId: hospitalMsp,
      encounterType: 'inpatient',
      admittedAt: '2025-03-01T08:00:00.000Z',
      dischargedAt: '2025-03-04T11:30:00.000Z',
      contentSha256,
      diagnosisTag: diagnosisTagFor(category),
      encryptedDiagnosisSha256: diagnosis.sha256,
      encryptedDiagnosisCollection: `diagnosis_${hospitalMsp}`,
    });
    expect(record.txId).toMatch(/^[0-9a-f]{64}$/);

    // Append-only: the same id cannot be anchored twice.
    await expect(
      doctor.recordEncounter(
        {
          ...record,
          encryptedDiagnosisSha256: diagnosis.sha256,
          encryptedDiagnosis: diagnosis.transient,
        },
        { endorsingOrganizations: [hospitalMsp, regulatorMsp] },
      ),
    ).rejects.toThrow(`Record ${recordId} already exists; records are append-only`);

    // The patient reads the public anchor's history.
    const history = await eventually(
      async () => patient.getRecordHistory(recordId, { endorsingOrganizations: [hospitalMsp] }),
      30_000,
      'the record history',
    );
    expect(history.versions).toHaveLength(1);
    expect(history.versions[0]).toMatchObject({ recordId, supersededBy: null });
  });

  it('the encrypted diagnosis is readable on the hospital and regulator peers and not on the insurer peer', async () => {
    const expected = {
      recordId,
      collection: `diagnosis_${hospitalMsp}`,
      sha256: diagnosis.sha256,
      encryptedDiagnosis: diagnosis.payload,
    };
    const onHospital = await doctor.getEncryptedDiagnosis(recordId, {
      endorsingOrganizations: [hospitalMsp],
    });
    expect(onHospital).toEqual(expected);
    // The submit waited for the commit on the hospital peer only; the regulator peer commits on its own.
    const onRegulator = await eventually(
      async () => doctor.getEncryptedDiagnosis(recordId, { endorsingOrganizations: [regulatorMsp] }),
      30_000,
      'the encrypted diagnosis on the regulator peer',
    );
    expect(onRegulator).toEqual(expected);
    // A regulator supervisor reads it through its own peer too.
    expect(await auditor.getEncryptedDiagnosis(recordId, { endorsingOrganizations: [regulatorMsp] })).toEqual(
      expected,
    );

    // The ciphertexts are E(x), E(x²), …, E(x^K) of the ICD-10 category under the insurer's key.
    const { privateKey } = toPaillierKeys(keyPair.privateKey);
    const plaintexts = onRegulator.encryptedDiagnosis.ciphertexts.map((c) => privateKey.decrypt(BigInt(c)));
    expect(plaintexts).toEqual(Array.from({ length: K }, (_, j) => BigInt(category) ** BigInt(j + 1)));

    // The insurer's peer has committed the block (it reads the public anchor) ...
    await eventually(
      async () => doctor.getRecordHistory(recordId, { endorsingOrganizations: [insurerMsp] }),
      30_000,
      'the record on the insurer peer',
    );
    // ... but it is not a member of diagnosis_<hospital>: it has the hash, not the data. The caller
    // (a hospital doctor) is allowed, so the refusal comes from the insurer peer lacking the data.
    const failure = await doctor
      .getEncryptedDiagnosis(recordId, { endorsingOrganizations: [insurerMsp] })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).not.toMatch(/Access denied/);
    // Fabric's ledger refuses the read on the non-member peer (the public hash is there, the data not);
    // the alternatives are the chaincode's own wording for data missing on the peer.
    expect(message).toMatch(
      new RegExp(
        `\\(${insurerMsp}\\): .*(private data matching public hash version is not available|` +
          `not in collection diagnosis_${hospitalMsp} on this peer|not available on this peer)`,
      ),
    );

    // Only the record's hospital staff and the regulator may ask at all.
    await expect(
      adjuster.getEncryptedDiagnosis(recordId, { endorsingOrganizations: [regulatorMsp] }),
    ).rejects.toThrow(
      /Access denied: the encrypted diagnosis of record .* is for HospitalMSP staff and the regulator/,
    );
  });

  it("an adjuster reads the record only while the patient's consent is active, and each read is disclosed", async () => {
    // No consent yet: refused, nothing written.
    await expect(adjuster.accessRecord(recordId, 'payment')).rejects.toThrow(
      `Access denied: no valid consent of patient ${patientId} covers record ${recordId} for payment (the caller holds no consent of this patient)`,
    );

    const requested = await adjuster.requestAccess({
      patientPseudonym: patientId,
      purpose: 'payment',
      scope: { recordIds: [recordId] },
      periodStart: minutes(-5),
      periodEnd: minutes(24 * 60),
    });
    consentId = requested.consentId;
    expect(requested).toMatchObject<Partial<Consent>>({
      status: 'proposed',
      patientPseudonym: patientId,
      purpose: 'payment',
      scope: { recordIds: [recordId], recordTypes: [] },
    });
    expect(requested.requester).toMatchObject({ mspId: insurerMsp, role: 'adjuster', orgKind: 'insurer' });
    await consentStatusEverywhere(adjuster, consentId, 'proposed');

    // Only the patient decides.
    await expect(doctor.approveAccess(consentId)).rejects.toThrow(
      /Access denied: only patient .* decides on consent/,
    );
    const approved = await patient.approveAccess(consentId);
    expect(approved.status).toBe('active');
    expect(approved.approvedAt).not.toBeNull();
    await consentStatusEverywhere(adjuster, consentId, 'active');

    const pointer = await adjuster.accessRecord(recordId, 'payment');
    expect(pointer).toMatchObject({
      recordId,
      version: 1,
      patientPseudonym: patientId,
      hospitalMspId: hospitalMsp,
      contentLocation: record.contentLocation,
      contentSha256: record.contentSha256,
      supersededBy: null,
      basis: 'consent',
      consentId,
    });
    expect(pointer.disclosureId).toMatch(/^[0-9a-f]{64}$/);

    // The accounting of disclosures shows it, to the patient and to the regulator.
    for (const reader of [patient, auditor]) {
      const disclosures = await eventually(
        async () => {
          const list = await reader.listDisclosures(patientId);
          return list.some((d) => d.disclosureId === pointer.disclosureId) ? list : undefined;
        },
        30_000,
        `the disclosure listed for ${reader.label}`,
      );
      expect(disclosures.find((d) => d.disclosureId === pointer.disclosureId)).toMatchObject({
        recordId,
        recordVersion: 1,
        patientPseudonym: patientId,
        hospitalMspId: hospitalMsp,
        accessorMspId: insurerMsp,
        accessorRole: 'adjuster',
        purpose: 'payment',
        basis: 'consent',
        consentId,
        reason: null,
        alertId: null,
      });
    }
    // The adjuster is not the patient nor the regulator.
    await expect(adjuster.listDisclosures(patientId)).rejects.toThrow(/Access denied: disclosures of/);

    // The patient revokes; once every peer has the revocation, the next read is refused with the reason.
    const revoked = await patient.revokeAccess(consentId);
    expect(revoked.status).toBe('inactive');
    expect(revoked.revokedAt).not.toBeNull();
    await consentStatusEverywhere(adjuster, consentId, 'inactive');
    await expect(adjuster.accessRecord(recordId, 'payment')).rejects.toThrow(
      `Access denied: no valid consent of patient ${patientId} covers record ${recordId} for payment (consent ${consentId}: status is inactive)`,
    );
    // A revoked consent is terminal.
    await expect(patient.approveAccess(consentId)).rejects.toThrow(
      `Consent ${consentId} is inactive; only proposed consents can become active`,
    );

    // The refused access wrote nothing: still exactly one disclosure by the adjuster.
    const after = await auditor.listDisclosures(patientId);
    expect(after.filter((d) => d.accessorMspId === insurerMsp)).toHaveLength(1);
  });

  it("a hospital doctor's emergency access is recorded and raises an alert the regulator lists", async () => {
    const reason = `unconscious patient in the emergency room (${tag})`;
    const pointer = await doctor.emergencyAccess(recordId, reason);
    expect(pointer).toMatchObject({
      recordId,
      basis: 'emergency',
      consentId: null,
      contentLocation: record.contentLocation,
    });
    expect(pointer.alertId).toBe(pointer.disclosureId);

    const alerts = await eventually(
      async () => {
        const list = await auditor.listAlerts(patientId, { endorsingOrganizations: [regulatorMsp] });
        return list.some((a) => a.alertId === pointer.alertId) ? list : undefined;
      },
      30_000,
      'the emergency alert on the regulator peer',
    );
    expect(alerts.find((a) => a.alertId === pointer.alertId)).toMatchObject({
      kind: 'emergency-access',
      severity: 'high',
      patientPseudonym: patientId,
      recordId,
      hospitalMspId: hospitalMsp,
      actorMspId: hospitalMsp,
      actorId: expect.stringContaining(`doctor-${tag}`),
      regulatorMspId: regulatorMsp,
      reason,
    });

    const disclosures = await auditor.listDisclosures(patientId, { endorsingOrganizations: [regulatorMsp] });
    expect(disclosures.find((d) => d.disclosureId === pointer.disclosureId)).toMatchObject({
      accessorMspId: hospitalMsp,
      accessorRole: 'doctor',
      purpose: 'treatment',
      basis: 'emergency',
      consentId: null,
      reason,
      alertId: pointer.alertId,
    });

    // The patient sees the alert too; break-glass is for doctors of member hospitals only.
    // Fails after 30 s unless the patient's list names the alert.
    await eventually(
      async () =>
        (await patient.listAlerts(patientId)).some((a) => a.alertId === pointer.alertId) ? true : undefined,
      30_000,
      'the alert listed for the patient',
    );
    await expect(adjuster.emergencyAccess(recordId, reason)).rejects.toThrow(
      /Access denied: emergency access is for doctors of member hospitals/,
    );
  });
});
