// Seeded demo activity through real transactions: an insurer claim key, products and policies,
// encounters with encrypted diagnoses, consent requests (approved, some revoked), audited accesses,
// claims adjudicated automatically by the insurer's adjudicator, and rule-tripping duplicate bills
// that wait in the review queue. The same seed gives the same choices; ids are unique per run.
import path from 'node:path';
import { icd10Category, randomUnit } from '../../../chaincode/src/lib/claim-crypto';
import { AutomaticAdjudicator } from '../claims/automatic-adjudicator';
import { HospitalDiagnosisVault, InsurerClaimKeys } from '../claims/claim-secrets';
import { retryOnReadConflict } from '../gateway/gateway-client';
import {
  diagnosisTagFor,
  issueMedfabricClient,
  MedfabricClient,
  peerOrgOf,
  sha256Hex,
} from '../medfabric/medfabric-client';
import type { NetworkRuntime } from '../runtime/network-runtime';
import { DEMO_PRODUCTS, ICD10_CATALOG } from './icd10-catalog';

export interface DemoOptions {
  seed?: number;
  patients?: number;
  log?: (line: string) => void;
}

export interface DemoSummary {
  runTag: string;
  patients: number;
  encounters: number;
  consents: { approved: number; revoked: number };
  accesses: number;
  claims: Record<string, number>;
}

/** mulberry32: a small seeded PRNG, so a seed reproduces the same demo choices. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const DIAGNOSIS_POWERS = 8; // every demo product covers at most 8 categories
const DIAGNOSIS_TAG_KEY = 'medfabric-demo-diagnosis-tag-key';

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export async function generateDemoActivity(
  runtime: NetworkRuntime,
  options: DemoOptions = {},
): Promise<DemoSummary> {
  const seed = options.seed ?? 2026;
  const patients = options.patients ?? 12;
  const log = options.log ?? (() => undefined);
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const runTag = `demo${seed}-${Date.now().toString(36)}`;
  const hospital = peerOrgOf(runtime, 'hospital');
  const insurer = peerOrgOf(runtime, 'insurer');
  const regulator = peerOrgOf(runtime, 'regulator');
  const keystore = await runtime.keystore();
  const clients: MedfabricClient[] = [];
  const keep = (client: MedfabricClient): MedfabricClient => {
    clients.push(client);
    return client;
  };

  log('identities: a doctor, an adjuster and the insurer admin');
  const doctor = keep(
    await issueMedfabricClient(runtime, 'hospital', `${runTag}-doctor`, { role: 'doctor' }),
  );
  const adjuster = keep(
    await issueMedfabricClient(runtime, 'insurer', `${runTag}-adjuster`, { role: 'adjuster' }),
  );
  const insurerAdmin = keep(
    new MedfabricClient(
      runtime,
      runtime.firstPeerOf(insurer),
      runtime.adminIdentity(insurer.mspId),
      'insurer admin',
    ),
  );

  const keys = new InsurerClaimKeys(keystore, insurer.mspId);
  let key = await keys.active();
  if (!key) {
    log('insurer claim key: generating a 2048-bit Paillier key and registering its public modulus');
    key = await keys.rotate(`${runTag}-key`, 2048);
    await insurerAdmin.submit('Insurance', 'RegisterClaimKey', [key.keyId, key.privateKey.n.toString()]);
  }
  const n = key.privateKey.n;
  const year = new Date().getUTCFullYear();
  for (const product of DEMO_PRODUCTS) {
    await insurerAdmin.submit('Insurance', 'CreateProduct', [
      `${runTag}-${product.id}`,
      product.name,
      JSON.stringify(product.covered.map((code) => icd10Category(code))),
      '5000000',
      '2000',
      '2000',
      `${year}-01-01`,
      `${year}-12-31`,
      key.keyId,
    ]);
  }
  await insurerAdmin.submit('Insurance', 'DepositFunds', ['50000000']);
  log(`products: ${DEMO_PRODUCTS.map((p) => p.name).join(', ')}; fund deposited`);

  const adjudicatorConnection = runtime.gateway(runtime.firstPeerOf(insurer), adjuster.identity);
  const adjudicator = new AutomaticAdjudicator({
    connection: adjudicatorConnection,
    channel: runtime.channel,
    chaincode: 'medfabric',
    insurerMspId: insurer.mspId,
    regulatorMspId: regulator.mspId,
    keys,
    checkpointFile: path.join(runtime.layout.runDir, `${runTag}-adjudicator.checkpoint`),
  });
  const adjudicated = new Map<string, string>();
  adjudicator.on('adjudicated', (outcome) => adjudicated.set(outcome.claimId, outcome.status));
  adjudicator.on('error', (error) => log(`adjudicator: ${error.message}`));
  adjudicator.on('batch-refused', ({ claimIds, error }) =>
    log(`adjudicator: batch ${claimIds.join(', ')} refused (${error.message}); adjudicating one by one`),
  );
  await adjudicator.start();

  const vault = new HospitalDiagnosisVault(keystore, hospital.mspId);
  const summary: DemoSummary = {
    runTag,
    patients,
    encounters: 0,
    consents: { approved: 0, revoked: 0 },
    accesses: 0,
    claims: {},
  };
  const filed: string[] = [];
  try {
    for (let i = 1; i <= patients; i++) {
      const patient = `${runTag}-P${String(i).padStart(3, '0')}`;
      const product = pick(DEMO_PRODUCTS);
      const policyId = `${runTag}-policy-${i}`;
      await insurerAdmin.submit('Insurance', 'IssuePolicy', [
        policyId,
        patient,
        `${runTag}-${product.id}`,
        `${year}-01-01`,
        `${year}-12-31`,
      ]);
      // Three encounters in four carry a covered diagnosis; a patient billed twice always does, so
      // the first claim is paid (not denied) whenever the adjudicator gets to it, and the duplicate
      // bill is held whatever the timing (R1 ignores denied claims).
      const billedTwice = i % 5 === 0;
      const coveredCodes: readonly string[] = product.covered;
      const uncovered = ICD10_CATALOG.filter((c) => !coveredCodes.includes(c.code));
      const coveredDraw = random() < 0.75;
      const diagnosis = coveredDraw || billedTwice ? pick(coveredCodes) : pick(uncovered).code;
      const serviceDay = new Date(Date.now() - (1 + Math.floor(random() * 20)) * 86_400_000);
      const recordId = `${runTag}-record-${i}`;
      const sealed = await vault.seal({
        recordId,
        icd10Code: diagnosis,
        insurerModulus: n,
        claimKeyId: key.keyId,
        powers: DIAGNOSIS_POWERS,
      });
      await doctor.recordEncounter({
        recordId,
        patientPseudonym: patient,
        hospitalMspId: hospital.mspId,
        encounterType: 'outpatient',
        admittedAt: `${isoDay(serviceDay)}T09:00:00Z`,
        dischargedAt: `${isoDay(serviceDay)}T10:30:00Z`,
        contentSha256: sha256Hex(`fhir-bundle:${recordId}`),
        contentLocation: `https://records.hospital.example/fhir/Bundle/${recordId}`,
        diagnosisTag: diagnosisTagFor(sealed.category, DIAGNOSIS_TAG_KEY),
        encryptedDiagnosisSha256: sealed.sha256,
        encryptedDiagnosis: sealed.transient,
      });
      summary.encounters += 1;

      const items = JSON.stringify([
        {
          serviceCode: 'CONSULT',
          quantity: 1,
          unitPrice: String(8000 + Math.floor(random() * 40) * 500),
          serviceDate: isoDay(serviceDay),
        },
      ]);
      const claimIds = [`${runTag}-claim-${i}`];
      if (billedTwice) claimIds.push(`${runTag}-claim-${i}-again`); // a duplicate bill: held for review
      for (const claimId of claimIds) {
        // The adjudicator may be settling this patient's previous claim in the same block.
        await retryOnReadConflict(() =>
          doctor.submit('Claims', 'FileClaim', [claimId, recordId, policyId, items], {
            transientData: { claimBlind: Buffer.from(randomUnit(n).toString()) },
            endorsingOrganizations: [hospital.mspId, regulator.mspId],
          }),
        );
        filed.push(claimId);
      }

      if (i % 4 === 1) {
        const patientClient = keep(
          await issueMedfabricClient(runtime, 'hospital', `${patient}-self`, {
            role: 'patient',
            patientId: patient,
          }),
        );
        const consent = await adjuster.requestAccess({
          patientPseudonym: patient,
          purpose: 'payment',
          scope: { recordIds: [recordId] },
          periodStart: new Date(Date.now() - 86_400_000).toISOString(),
          periodEnd: new Date(Date.now() + 90 * 86_400_000).toISOString(),
        });
        await patientClient.approveAccess(consent.consentId);
        summary.consents.approved += 1;
        await adjuster.accessRecord(recordId, 'payment');
        summary.accesses += 1;
        if (i % 8 === 1) {
          await patientClient.revokeAccess(consent.consentId);
          summary.consents.revoked += 1;
        }
      }
      log(`patient ${i}/${patients}: ${product.name}, diagnosis ${diagnosis}, ${claimIds.length} claim(s)`);
    }

    // Wait for the adjudicator to settle what it can; held claims stay in the review queue.
    const deadline = Date.now() + 120_000;
    const held = new Set((await adjudicator.reviewQueue()).map((c) => c.claimId));
    while (filed.some((id) => !held.has(id) && !adjudicated.has(id)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    for (const claimId of filed) {
      const status = held.has(claimId) ? 'held' : (adjudicated.get(claimId) ?? 'filed');
      summary.claims[status] = (summary.claims[status] ?? 0) + 1;
    }
    return summary;
  } finally {
    await adjudicator.stop();
    adjudicatorConnection.close();
    for (const client of clients) client.close();
  }
}
