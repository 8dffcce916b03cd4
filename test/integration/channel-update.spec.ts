// Consortium administration against the real network: config updates computed in TypeScript
// (checked against configtxlator), carried between "consoles" as bundle files, signed offline by
// each org admin, refused locally (and by the orderer) when signatures are missing, submitted with
// AtomicBroadcast and visible on every peer. A brand-new org (Hospital2MSP) joins the Application
// group and leaves it again, and the batch timeout is changed and restored, so the channel is as
// the other test files expect it whatever order they run in.
import { execFile } from 'node:child_process';
import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addApplicationOrg, removeOrg, setBatchTimeout } from '../../electron/services/channel/config-edits';
import { decodeChannelConfig } from '../../electron/services/channel/config-model';
import {
  configFromBlock,
  encodeConfig,
  type ChannelConfig,
  type ConfigBlockInfo,
} from '../../electron/services/channel/config-tree';
import {
  ORG_DEFINITION_FORMAT,
  orgDefinitionFromMaterial,
  serializeOrgDefinition,
  validateOrgDefinition,
  type OrgDefinition,
} from '../../electron/services/channel/org-definition';
import {
  createBundle,
  missingSignatures,
  readBundleFile,
  signBundle,
  verifyBundle,
  writeBundleFile,
  type UpdateBundle,
} from '../../electron/services/channel/update-bundle';
import {
  canonicalConfigUpdateBytes,
  computeConfigUpdate,
  encodeConfigUpdate,
} from '../../electron/services/channel/update-compute';
import { previewUpdateImpact, runtimeNodeVersions } from '../../electron/services/channel/update-impact';
import {
  buildConfigUpdateEnvelope,
  fetchChannelConfig,
  OrdererRejectedError,
  runtimeConfigSources,
  submitBundleWithRuntime,
  SubmitRefusedError,
} from '../../electron/services/channel/update-submit';
import type { SigningIdentity } from '../../electron/services/fabric/proposal';
import {
  createCertificateAuthority,
  issueCertificate,
  type CertificateAuthority,
} from '../../electron/services/pki';
import type { NetworkRuntime } from '../../electron/services/runtime/network-runtime';
import { attachRuntime } from './support/shared-network';
import { peerOrgOf } from '../../electron/services/medfabric/medfabric-client';

const execFileAsync = promisify(execFile);
const NEW_ORG = 'Hospital2MSP';

let runtime: NetworkRuntime;
let scratch: string;
let configtxlator: string;
let hospitalMsp: string;
let insurerMsp: string;
let regulatorMsp: string;
let ordererMsp: string;
let originalBatchTimeout: string | undefined;
let newOrgCa: CertificateAuthority;
let newOrgTlsCa: CertificateAuthority;

function mspOf(role: 'hospital' | 'insurer' | 'regulator'): string {
  return peerOrgOf(runtime, role).mspId;
}

function admin(mspId: string): SigningIdentity {
  return runtime.adminIdentity(mspId);
}

async function current(): Promise<ConfigBlockInfo> {
  return fetchChannelConfig(runtime);
}

/** What every peer serves: MSP IDs of the application orgs and the batch timeout. */
async function viewOnEveryPeer(): Promise<
  Array<{ peer: string; orgs: string[]; batchTimeout?: string; block: number }>
> {
  return Promise.all(
    runtimeConfigSources(runtime).map(async (source) => {
      const info = configFromBlock(await source.getConfigBlock());
      const model = decodeChannelConfig(info.config);
      return {
        peer: source.label,
        orgs: Object.keys(model.application?.orgs ?? {}).sort(),
        batchTimeout: model.orderer?.batchTimeout,
        block: info.blockNumber,
      };
    }),
  );
}

/** Runs `configtxlator proto_decode` on bytes; returns the decoded JSON. */
async function protoDecode(bytes: Uint8Array, type: string): Promise<unknown> {
  const input = path.join(scratch, `decode-${Date.now()}-${Math.random()}.pb`);
  const output = `${input}.json`;
  await writeFile(input, bytes);
  await execFileAsync(configtxlator, ['proto_decode', '--type', type, '--input', input, '--output', output]);
  return JSON.parse(await readFile(output, 'utf8')) as unknown;
}

async function configtxlatorComputeUpdate(
  original: ChannelConfig,
  updated: ChannelConfig,
): Promise<Uint8Array> {
  const tag = `${Date.now()}-${Math.random()}`;
  const originalFile = path.join(scratch, `original-${tag}.pb`);
  const updatedFile = path.join(scratch, `updated-${tag}.pb`);
  const outputFile = path.join(scratch, `update-${tag}.pb`);
  await writeFile(originalFile, encodeConfig(original));
  await writeFile(updatedFile, encodeConfig(updated));
  await execFileAsync(configtxlator, [
    'compute_update',
    '--channel_id',
    runtime.channel,
    '--original',
    originalFile,
    '--updated',
    updatedFile,
    '--output',
    outputFile,
  ]);
  return readFile(outputFile);
}

/** The new org's definition file, as Hospital2's own console would export it. */
async function newOrgDefinitionFile(): Promise<string> {
  const definition = orgDefinitionFromMaterial(
    {
      spec: {
        name: 'Hospital2Org',
        mspId: NEW_ORG,
        domain: 'hospital2.medfabric.local',
        kind: 'peer',
        nodes: [],
        users: [],
      },
      root: scratch,
      caCertPem: newOrgCa.certPem,
      tlsCaCertPem: newOrgTlsCa.certPem,
      channelMspDir: scratch,
      nodes: {},
      users: {},
    },
    { kind: 'application' },
  );
  const file = path.join(scratch, 'hospital2.org.json');
  await writeFile(file, serializeOrgDefinition(definition));
  return file;
}

/** One admin's "console": read the bundle file, review it, sign it, write it back. */
async function reviewAndSign(file: string, signer: SigningIdentity): Promise<UpdateBundle> {
  const bundle = await readBundleFile(file);
  const { config } = await current();
  const verification = await verifyBundle(bundle, config, { channel: runtime.channel });
  expect(verification.problems).toEqual([]);
  const signed = await signBundle(bundle, signer);
  await writeBundleFile(file, signed);
  return signed;
}

beforeAll(async () => {
  runtime = await attachRuntime();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'medfabric-chupdate-'));
  configtxlator = path.join(runtime.fabric.binDir, 'configtxlator');
  hospitalMsp = mspOf('hospital');
  insurerMsp = mspOf('insurer');
  regulatorMsp = mspOf('regulator');
  ordererMsp = runtime.topology.ordererOrg.mspId;
  newOrgCa = await createCertificateAuthority({
    commonName: 'ca.hospital2.medfabric.local',
    organization: NEW_ORG,
  });
  newOrgTlsCa = await createCertificateAuthority({
    commonName: 'tlsca.hospital2.medfabric.local',
    organization: NEW_ORG,
  });
  originalBatchTimeout = decodeChannelConfig((await current()).config).orderer?.batchTimeout;
});

afterAll(async () => {
  // Leave the channel as the other test files expect it, even if a test above failed midway.
  const info = await current();
  let config = info.config;
  const model = decodeChannelConfig(config);
  if (model.application?.orgs[NEW_ORG]) config = removeOrg(config, NEW_ORG);
  if (originalBatchTimeout && model.orderer?.batchTimeout !== originalBatchTimeout) {
    config = setBatchTimeout(config, originalBatchTimeout);
  }
  if (config !== info.config) {
    const update = computeConfigUpdate(info.config, config, runtime.channel);
    let bundle = await createBundle({
      channel: runtime.channel,
      update,
      description: 'restore',
      proposer: admin(hospitalMsp),
    });
    for (const msp of [insurerMsp, regulatorMsp, ordererMsp]) bundle = await signBundle(bundle, admin(msp));
    await submitBundleWithRuntime(runtime, bundle, hospitalMsp);
  }
  await rm(scratch, { recursive: true, force: true });
});

describe('consortium administration: config updates with offline signatures', () => {
  it('computes the same updates as configtxlator compute_update from the live config', async () => {
    const { config } = await current();
    const definition = await validateOrgDefinition(await readFile(await newOrgDefinitionFile(), 'utf8'));
    for (const updated of [setBatchTimeout(config, '400ms'), addApplicationOrg(config, definition)]) {
      const ours = encodeConfigUpdate(computeConfigUpdate(config, updated, runtime.channel));
      const theirs = await configtxlatorComputeUpdate(config, updated);
      expect(Buffer.from(ours).equals(Buffer.from(canonicalConfigUpdateBytes(theirs)))).toBe(true);
      await expect(protoDecode(ours, 'common.ConfigUpdate')).resolves.toMatchObject({
        channel_id: runtime.channel,
      });
    }
  });

  it('changes the batch timeout 500ms → 400ms and back, signed by the orderer org admin', async () => {
    for (const timeout of ['400ms', originalBatchTimeout ?? '500ms']) {
      const { config } = await current();
      const update = computeConfigUpdate(config, setBatchTimeout(config, timeout), runtime.channel);
      const impact = previewUpdateImpact(config, update);
      expect(impact.summary.join('\n')).toContain(`orderer BatchTimeout:`);
      let bundle = await createBundle({
        channel: runtime.channel,
        update,
        description: `BatchTimeout → ${timeout}`,
        impact: impact.summary,
        proposer: admin(hospitalMsp),
      });
      const missing = await missingSignatures(bundle, config);
      expect(missing.missingOrgs).toEqual([ordererMsp]);
      await expect(submitBundleWithRuntime(runtime, bundle, hospitalMsp)).rejects.toThrow(SubmitRefusedError);
      bundle = await signBundle(bundle, admin(ordererMsp));
      const result = await submitBundleWithRuntime(runtime, bundle, hospitalMsp);
      expect(result.peers).toHaveLength(runtime.topology.peers.length);
      const views = await viewOnEveryPeer();
      expect(views.map((v) => v.batchTimeout)).toEqual(views.map(() => timeout));
    }
  });

  it(`adds ${NEW_ORG}: proposed by the hospital, signed from the bundle file by insurer and regulator, visible on every peer, then removed`, async () => {
    // Hospital's console: import Hospital2's definition file, compute the update, preview, export the bundle.
    const definition: OrgDefinition = await validateOrgDefinition(
      await readFile(await newOrgDefinitionFile(), 'utf8'),
    );
    const before = await current();
    expect(decodeChannelConfig(before.config).application?.orgs[NEW_ORG]).toBeUndefined();
    const update = computeConfigUpdate(
      before.config,
      addApplicationOrg(before.config, definition),
      runtime.channel,
    );
    const nodes = await runtimeNodeVersions(runtime);
    expect(nodes.map((node) => node.id).sort()).toEqual(runtime.topology.nodes.map((node) => node.id).sort());
    const impact = previewUpdateImpact(before.config, update, { nodes });
    expect(impact.orgsAdded).toEqual([NEW_ORG]);
    expect(impact.quorum).toContainEqual(
      expect.objectContaining({
        policy: '/Channel/Application/Admins',
        before: { needed: 2, of: 3 },
        after: { needed: 3, of: 4 },
      }),
    );
    expect(impact.capabilityWarnings).toEqual([]);
    const file = path.join(scratch, 'add-hospital2.bundle.json');
    await writeBundleFile(
      file,
      await createBundle({
        channel: runtime.channel,
        update,
        description: `Add ${NEW_ORG} to the Application organizations of ${runtime.channel}`,
        impact: impact.summary,
        proposer: admin(hospitalMsp),
        baseSequence: before.config.sequence,
      }),
    );

    // Too few signatures: refused locally with the missing orgs, and the orderer says why too.
    const proposed = await readBundleFile(file);
    const missing = await missingSignatures(proposed, before.config);
    expect(missing.satisfied).toBe(false);
    expect(missing.missingOrgs).toEqual([insurerMsp, regulatorMsp].sort());
    const refusal = await submitBundleWithRuntime(runtime, proposed, hospitalMsp).catch(
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(SubmitRefusedError);
    expect((refusal as SubmitRefusedError).missingOrgs).toEqual([insurerMsp, regulatorMsp].sort());
    expect((refusal as Error).message).toMatch(
      /1 more signature needed from an admin of (InsurerMSP or RegulatorMSP|RegulatorMSP or InsurerMSP)/,
    );
    const ordererRefusal = await submitBundleWithRuntime(runtime, proposed, hospitalMsp, {
      skipLocalChecks: true,
      timeoutMs: 5_000,
    }).catch((error: unknown) => error);
    expect(ordererRefusal).toBeInstanceOf(OrdererRejectedError);
    expect((ordererRefusal as Error).message).toMatch(
      /policy for \[Group\]\s+\/Channel\/Application not satisfied/,
    );

    // The insurer's and the regulator's consoles: review the file, sign it, hand it on.
    await reviewAndSign(file, admin(insurerMsp));
    const complete = await reviewAndSign(file, admin(regulatorMsp));
    expect(complete.signatures.map((s) => s.mspId)).toEqual([hospitalMsp, insurerMsp, regulatorMsp]);
    expect((await missingSignatures(complete, before.config)).satisfied).toBe(true);

    // The envelope we send decodes with Fabric's own tool.
    const envelope = await buildConfigUpdateEnvelope(complete, admin(hospitalMsp));
    const decoded = (await protoDecode(envelope.serializeBinary(), 'common.Envelope')) as {
      payload: {
        header: { channel_header: { type: number; channel_id: string } };
        data: { signatures: unknown[] };
      };
    };
    expect(decoded.payload.header.channel_header).toMatchObject({ type: 2, channel_id: runtime.channel });
    expect(decoded.payload.data.signatures).toHaveLength(3);

    const result = await submitBundleWithRuntime(runtime, complete, regulatorMsp);
    expect(result.blockNumber).toBeGreaterThan(before.blockNumber);
    const views = await viewOnEveryPeer();
    for (const view of views)
      expect(view.orgs).toEqual([hospitalMsp, insurerMsp, regulatorMsp, NEW_ORG].sort());
    const block = await runtimeConfigSources(runtime)[0]?.getConfigBlock();
    await expect(protoDecode(block ?? new Uint8Array(), 'common.Block')).resolves.toMatchObject({
      header: { number: String(result.blockNumber) },
    });

    // Removing it again: the quorum is now MAJORITY of 4 = 3.
    const withNewOrg = await current();
    const removal = computeConfigUpdate(
      withNewOrg.config,
      removeOrg(withNewOrg.config, NEW_ORG),
      runtime.channel,
    );
    const removalImpact = previewUpdateImpact(withNewOrg.config, removal);
    expect(removalImpact.orgsRemoved).toEqual([NEW_ORG]);
    expect(removalImpact.quorum).toContainEqual(
      expect.objectContaining({
        policy: '/Channel/Application/Admins',
        before: { needed: 3, of: 4 },
        after: { needed: 2, of: 3 },
      }),
    );
    let removalBundle = await createBundle({
      channel: runtime.channel,
      update: removal,
      description: `Remove ${NEW_ORG}`,
      proposer: admin(hospitalMsp),
    });
    removalBundle = await signBundle(removalBundle, admin(insurerMsp));
    const stillMissing = await missingSignatures(removalBundle, withNewOrg.config);
    expect(stillMissing.satisfied).toBe(false);
    expect(stillMissing.missingOrgs).toEqual([NEW_ORG, regulatorMsp].sort());
    // Hospital2's own admin may be the third signer.
    const newOrgAdminCert = await issueCertificate(newOrgCa, {
      kind: 'identity',
      commonName: 'Admin@hospital2.medfabric.local',
      organization: NEW_ORG,
      nodeOu: 'admin',
    });
    removalBundle = await signBundle(removalBundle, { mspId: NEW_ORG, ...newOrgAdminCert });
    await submitBundleWithRuntime(runtime, removalBundle, hospitalMsp);
    for (const view of await viewOnEveryPeer())
      expect(view.orgs).toEqual([hospitalMsp, insurerMsp, regulatorMsp].sort());
  });

  it('refuses a tampered bundle, a non-member signature, an expired bundle and a stale update, each with a clear reason', async () => {
    const { config } = await current();
    const update = computeConfigUpdate(config, setBatchTimeout(config, '450ms'), runtime.channel);
    const signed = await signBundle(
      await createBundle({
        channel: runtime.channel,
        update,
        description: 'timeout',
        proposer: admin(ordererMsp),
      }),
      admin(hospitalMsp),
    );

    // Tampered: the update bytes swapped for another update after signing.
    const other = encodeConfigUpdate(
      computeConfigUpdate(config, setBatchTimeout(config, '50ms'), runtime.channel),
    );
    const tampered: UpdateBundle = { ...signed, configUpdate: Buffer.from(other).toString('base64') };
    const tamperedCheck = await verifyBundle(tampered, config);
    expect(tamperedCheck.tampered).toBe(true);
    await expect(submitBundleWithRuntime(runtime, tampered, ordererMsp)).rejects.toThrow(
      /the file was altered|changed after it was signed/,
    );

    // A signature from an admin of an org that is not in the channel.
    const outsiderCa = await createCertificateAuthority({
      commonName: 'ca.outsider.example.com',
      organization: 'OutsiderMSP',
    });
    const outsiderAdmin = await issueCertificate(outsiderCa, {
      kind: 'identity',
      commonName: 'Admin@outsider.example.com',
      organization: 'OutsiderMSP',
      nodeOu: 'admin',
    });
    const withOutsider = await signBundle(signed, { mspId: 'OutsiderMSP', ...outsiderAdmin });
    const outsiderCheck = await verifyBundle(withOutsider, config);
    expect(outsiderCheck.problems.join('\n')).toMatch(/OutsiderMSP is not a member of channel medchannel/);
    await expect(submitBundleWithRuntime(runtime, withOutsider, ordererMsp)).rejects.toThrow(
      /not a member of channel/,
    );

    // Expired.
    const past = new Date(Date.now() - 2 * 3600_000);
    const expired = await createBundle({
      channel: runtime.channel,
      update,
      description: 'late',
      proposer: admin(ordererMsp),
      now: past,
      deadline: new Date(past.getTime() + 3600_000),
    });
    await expect(submitBundleWithRuntime(runtime, expired, ordererMsp)).rejects.toThrow(/deadline passed/);
    await expect(signBundle(expired, admin(hospitalMsp))).rejects.toThrow(/deadline passed/);

    // Stale: computed against the config before another update was committed.
    const first = await signBundle(
      await createBundle({
        channel: runtime.channel,
        update,
        description: '450ms',
        proposer: admin(hospitalMsp),
      }),
      admin(ordererMsp),
    );
    const second = await signBundle(
      await createBundle({
        channel: runtime.channel,
        update: computeConfigUpdate(config, setBatchTimeout(config, '350ms'), runtime.channel),
        description: '350ms',
        proposer: admin(hospitalMsp),
      }),
      admin(ordererMsp),
    );
    await submitBundleWithRuntime(runtime, first, hospitalMsp);
    const staleCheck = await verifyBundle(second, (await current()).config);
    expect(staleCheck.stale).toBe(true);
    await expect(submitBundleWithRuntime(runtime, second, hospitalMsp)).rejects.toThrow(
      /computed against an older config/,
    );
    // (afterAll restores the original batch timeout.)
  });

  it('refuses an org definition whose certificate chain does not verify', async () => {
    const good = JSON.parse(await readFile(await newOrgDefinitionFile(), 'utf8')) as Record<string, unknown>;
    const der = Buffer.from(new NodeX509Certificate(newOrgCa.certPem).raw);
    der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 0x01;
    const corrupted = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
    await expect(validateOrgDefinition({ ...good, caCerts: [corrupted] })).rejects.toThrow(
      /organization definition for Hospital2MSP refused: CA certificate 1 .*self-signature does not verify/,
    );
    const strangerCa = await createCertificateAuthority({
      commonName: 'ca.stranger.example.com',
      organization: 'Stranger',
    });
    const strangerAdmin = await issueCertificate(strangerCa, {
      kind: 'identity',
      commonName: 'Admin@hospital2.medfabric.local',
      organization: NEW_ORG,
      nodeOu: 'admin',
    });
    await expect(
      validateOrgDefinition({ ...good, format: ORG_DEFINITION_FORMAT, admins: [strangerAdmin.certPem] }),
    ).rejects.toThrow(/admin certificate 1 .*does not chain to the org's CA/);
  });
});
