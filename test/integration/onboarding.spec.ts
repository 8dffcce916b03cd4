// Issue 7 acceptance: a new hospital org joins the running channel. Its own console (a second
// runtime, its own state dir and ports) creates its identities and exports its org definition; the
// consortium adds it with the required majority of signatures exchanged as files, registers it in
// the chaincode's member registry and commits a chaincode definition that includes it; the
// newcomer's console fetches the genesis block from the orderer, joins its peer, approves the
// committed definition and catches up; its doctor records an encounter. Afterwards the org is
// removed again so the other test files find the channel as they expect.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateClaimKeyPair, icd10Category } from '../../chaincode/src/lib/claim-crypto';
import { addApplicationOrg, removeOrg } from '../../electron/services/channel/config-edits';
import { decodeChannelConfig } from '../../electron/services/channel/config-model';
import {
  orgDefinitionFromMaterial,
  serializeOrgDefinition,
  validateOrgDefinition,
} from '../../electron/services/channel/org-definition';
import { computeConfigUpdate } from '../../electron/services/channel/update-compute';
import {
  createBundle,
  readBundleFile,
  signBundle,
  writeBundleFile,
} from '../../electron/services/channel/update-bundle';
import { fetchChannelConfig, submitBundleWithRuntime } from '../../electron/services/channel/update-submit';
import { consortiumCollections } from '../../electron/services/lifecycle/chaincode-deployer';
import {
  MedfabricClient,
  diagnosisTagFor,
  encryptedDiagnosisFor,
  sha256Hex,
  peerOrgOf,
} from '../../electron/services/medfabric/medfabric-client';
import { findFabric } from '../../electron/services/runtime/fabric-installer';
import { NetworkRuntime } from '../../electron/services/runtime/network-runtime';
import { validateProfile } from '../../electron/services/runtime/profile';
import { findFreePortBlock } from './support/ports';
import { api, attachRuntime, eventually } from './support/shared-network';

const NEW_MSP = 'ClinicMSP';
let consortium: NetworkRuntime;
let newcomer: NetworkRuntime | undefined;
let scratch: string;

function mspOf(runtime: NetworkRuntime, role: 'hospital' | 'insurer' | 'regulator'): string {
  return peerOrgOf(runtime, role).mspId;
}

/** A channel update proposed by the hospital admin, signed from the bundle file by insurer and regulator. */
async function updateChannelWithSignaturesFromFiles(
  change: (
    config: Awaited<ReturnType<typeof fetchChannelConfig>>['config'],
  ) => Awaited<ReturnType<typeof fetchChannelConfig>>['config'],
  description: string,
): Promise<void> {
  const current = await fetchChannelConfig(consortium);
  const update = computeConfigUpdate(current.config, change(current.config), consortium.channel);
  const file = path.join(scratch, `${description.replace(/\W+/g, '-')}.bundle.json`);
  await writeBundleFile(
    file,
    await createBundle({
      channel: consortium.channel,
      update,
      description,
      proposer: consortium.adminIdentity(mspOf(consortium, 'hospital')),
    }),
  );
  for (const role of ['insurer', 'regulator'] as const) {
    const signed = await signBundle(
      await readBundleFile(file),
      consortium.adminIdentity(mspOf(consortium, role)),
    );
    await writeBundleFile(file, signed);
  }
  await submitBundleWithRuntime(consortium, await readBundleFile(file), mspOf(consortium, 'regulator'));
}

beforeAll(async () => {
  consortium = await attachRuntime();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'medfabric-onboard-'));
});

afterAll(async () => {
  await newcomer?.down();
  const { config } = await fetchChannelConfig(consortium);
  if (decodeChannelConfig(config).application?.orgs[NEW_MSP]) {
    await updateChannelWithSignaturesFromFiles((c) => removeOrg(c, NEW_MSP), 'remove the clinic again');
  }
  await rm(scratch, { recursive: true, force: true });
});

describe('onboarding a new member', () => {
  it('adds a clinic to the running channel; its peer joins, catches up, and its doctor records an encounter', async () => {
    // 1. The newcomer's console: its own profile, state and identities; it exports its org definition.
    const fabric = await findFabric();
    if (!fabric) throw new Error('Fabric is not installed');
    const orderer = consortium.topology.orderers[0];
    if (!orderer) throw new Error('no orderer');
    const ordererTlsCa = path.join(scratch, 'orderer-tlsca.pem');
    await writeFile(ordererTlsCa, consortium.orgMaterial(orderer.org.mspId).tlsCaCertPem);
    const basePort = await findFreePortBlock(10);
    newcomer = new NetworkRuntime({
      stateDir: path.join(scratch, 'clinic-state'),
      fabric,
      profile: validateProfile({
        name: 'clinic',
        basePort,
        channel: consortium.channel,
        ordererOrg: {
          name: orderer.org.name,
          mspId: orderer.org.mspId,
          domain: orderer.org.domain,
          orderers: [orderer.shortName],
          external: { endpoints: [orderer.address], tlsCaFile: ordererTlsCa },
        },
        peerOrgs: [
          {
            name: 'ClinicOrg',
            mspId: NEW_MSP,
            domain: 'clinic.medfabric.local',
            role: 'hospital',
            peers: ['peer0'],
          },
        ],
        chaincode: { name: 'medfabric', path: 'chaincode', version: '0.1.0' },
      }),
    });
    await newcomer.prepare();
    const clinicPeer = newcomer.topology.peers[0];
    if (!clinicPeer) throw new Error('no clinic peer');
    const definitionFile = path.join(scratch, 'clinic.org.json');
    await writeFile(
      definitionFile,
      serializeOrgDefinition(
        orgDefinitionFromMaterial(newcomer.orgMaterial(NEW_MSP), {
          anchorPeers: [{ host: '127.0.0.1', port: clinicPeer.listenPort }],
        }),
      ),
    );

    // Joining before the consortium added the org: refused in words, nothing started, state kept.
    await expect(newcomer.up()).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining(`Ask a member to submit the update adding ${NEW_MSP}`),
    });
    expect((await newcomer.status()).state).toBe('down');
    expect(newcomer.networkRecord.peerJoined).toEqual([]);

    // 2. The consortium adds it to the channel: the majority of admins sign the bundle file.
    const definition = await validateOrgDefinition(JSON.parse(await readFile(definitionFile, 'utf8')));
    await updateChannelWithSignaturesFromFiles(
      (config) => addApplicationOrg(config, definition),
      'add the clinic',
    );
    expect(
      Object.keys(decodeChannelConfig((await fetchChannelConfig(consortium)).config).application?.orgs ?? {}),
    ).toContain(NEW_MSP);

    // 3. The regulator registers the member; the consortium commits a definition that includes it.
    const regulatorOrg = peerOrgOf(consortium, 'regulator');
    const regulator = new MedfabricClient(
      consortium,
      consortium.firstPeerOf(regulatorOrg),
      consortium.adminIdentity(regulatorOrg.mspId),
      'regulator admin',
    );
    try {
      await regulator.submit('Consortium', 'RegisterMember', [NEW_MSP, 'hospital', 'Clinic']);
    } finally {
      regulator.close();
    }
    const others = consortium.topology.peerOrgs
      .filter((o) => o.role !== 'regulator')
      .map((o) => `'${o.mspId}.peer'`);
    const redefined = await consortium.deployer.redefine({
      name: 'medfabric',
      endorsementPolicy: `AND('${mspOf(consortium, 'regulator')}.peer', OR(${[...others, `'${NEW_MSP}.peer'`].join(', ')}))`,
      collections: [
        ...consortiumCollections(consortium.topology),
        {
          name: `diagnosis_${NEW_MSP}`,
          memberPolicy: `OR('${NEW_MSP}.member', '${mspOf(consortium, 'regulator')}.member')`,
          requiredPeerCount: 0,
          maxPeerCount: 1,
          blockToLive: 0,
          memberOnlyRead: true,
          memberOnlyWrite: true,
        },
      ],
    });

    // 4. The newcomer's console: genesis block from the orderer, join, approve the committed definition.
    const status = await newcomer.up();
    expect(status.chaincodes[0]?.sequence).toBe(redefined.sequence);
    const consortiumHeight = async (): Promise<number> =>
      Math.max(...(await api('network:status')).heights.map((h) => h.height));
    await eventually(
      async () => {
        const [clinic] = (await newcomer?.queryHeights([clinicPeer])) ?? [];
        return clinic && clinic.height === (await consortiumHeight()) ? clinic.height : undefined;
      },
      90_000,
      "the clinic peer at the consortium's height",
    );

    // 5. The clinic's doctor records an encounter, endorsed by the clinic's and the regulator's peers.
    const doctor = new MedfabricClient(
      newcomer,
      clinicPeer,
      await newcomer.issueClient(NEW_MSP, 'doctor', { role: 'doctor' }),
      'clinic doctor',
    );
    try {
      const key = await generateClaimKeyPair(512);
      const category = icd10Category('J45');
      const sealed = encryptedDiagnosisFor(key.publicKey.n, 'clinic-demo-key', category, 4);
      const record = await doctor.recordEncounter({
        recordId: `clinic-${Date.now().toString(36)}`,
        patientPseudonym: 'clinic-patient-1',
        hospitalMspId: NEW_MSP,
        encounterType: 'outpatient',
        admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
        dischargedAt: new Date().toISOString(),
        contentSha256: sha256Hex('clinic fhir bundle'),
        contentLocation: 'https://records.clinic.example/fhir/Bundle/1',
        diagnosisTag: diagnosisTagFor(category),
        encryptedDiagnosisSha256: sealed.sha256,
        encryptedDiagnosis: sealed.transient,
      });
      expect(record.hospitalMspId).toBe(NEW_MSP);
      expect(record.encryptedDiagnosisCollection).toBe(`diagnosis_${NEW_MSP}`);
    } finally {
      doctor.close();
    }
  });
});
