import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { common, msp } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../fabric/proposal';
import { addApplicationOrg, removeOrg, setAnchorPeers, setBatchTimeout } from './config-edits';
import { makeFixtureChannel, makeFixtureOrg, type FixtureChannel, type FixtureOrg } from './config-fixture';
import { decodeChannelConfig } from './config-model';
import { ORG_DEFINITION_FORMAT, validateOrgDefinition } from './org-definition';
import {
  createBundle,
  missingSignatures,
  parseBundle,
  readBundleFile,
  signBundle,
  verifyBundle,
  writeBundleFile,
  type UpdateBundle,
} from './update-bundle';
import {
  applyConfigUpdate,
  computeConfigUpdate,
  decodeConfigUpdate,
  encodeConfigUpdate,
} from './update-compute';
import { previewUpdateImpact } from './update-impact';

const BIN_DIR = path.resolve(import.meta.dirname, '..', '..', '..', '.fabric', 'bin');
const haveFabric = existsSync(path.join(BIN_DIR, 'configtxgen'));

let dir: string;
let fixture: FixtureChannel;
let hospital2: FixtureOrg;

function org(mspId: string): FixtureOrg {
  const found = fixture.orgs[mspId];
  if (!found) throw new Error(`no fixture org ${mspId}`);
  return found;
}

async function addOrgBundle(): Promise<UpdateBundle> {
  const definition = await validateOrgDefinition({
    format: ORG_DEFINITION_FORMAT,
    mspId: 'Hospital2MSP',
    kind: 'application',
    caCerts: [hospital2.ca.certPem],
    tlsCaCerts: [hospital2.tlsCa.certPem],
    anchorPeers: [{ host: '127.0.0.1', port: 9051 }],
  });
  const update = computeConfigUpdate(
    fixture.config,
    addApplicationOrg(fixture.config, definition),
    'medchannel',
  );
  return createBundle({
    channel: 'medchannel',
    update,
    description: 'Add Hospital2MSP',
    proposer: org('HospitalMSP').admin,
  });
}

describe.skipIf(!haveFabric)('config update bundles', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'medfabric-bundle-'));
    fixture = await makeFixtureChannel(dir, BIN_DIR);
    hospital2 = await makeFixtureOrg('Hospital2MSP', 'hospital2.example.com');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('signs like Fabric: SignatureHeader{creator, nonce}, ECDSA over header ‖ update, low-S', async () => {
    const bundle = await addOrgBundle();
    expect(bundle.signatures).toHaveLength(1);
    const [entry] = bundle.signatures;
    const header = common.SignatureHeader.deserializeBinary(
      Buffer.from(entry?.signatureHeader ?? '', 'base64'),
    );
    const creator = msp.SerializedIdentity.deserializeBinary(header.getCreator_asU8());
    expect(creator.getMspid()).toBe('HospitalMSP');
    expect(Buffer.from(creator.getIdBytes_asU8()).toString()).toBe(org('HospitalMSP').admin.certPem);
    expect(header.getNonce_asU8()).toHaveLength(24);
    expect(bundle.configUpdateSha256).toBe(
      Buffer.from(sha256(Buffer.from(bundle.configUpdate, 'base64'))).toString('hex'),
    );
    const verification = await verifyBundle(bundle, fixture.config);
    expect(verification.problems).toEqual([]);
    expect(verification.valid).toBe(true);
  });

  it('round-trips through a file and collects signatures until MAJORITY of the application admins is reached', async () => {
    let bundle = await addOrgBundle();
    const file = path.join(dir, 'add-org.bundle.json');
    await writeBundleFile(file, bundle);
    bundle = await readBundleFile(file);
    let missing = await missingSignatures(bundle, fixture.config);
    expect(missing.satisfied).toBe(false);
    expect(missing.missingOrgs).toEqual(['InsurerMSP', 'RegulatorMSP']);
    expect(missing.summary.join('\n')).toContain(
      '/Channel/Application/Admins (MAJORITY Admins, 2 of 3 needed, 1 satisfied): 1 more signature needed from an admin of InsurerMSP or RegulatorMSP',
    );
    bundle = await signBundle(bundle, org('InsurerMSP').admin);
    missing = await missingSignatures(bundle, fixture.config);
    expect(missing.satisfied).toBe(true);
    expect(missing.missingOrgs).toEqual([]);
    // Signing twice with the same certificate replaces the earlier signature.
    bundle = await signBundle(bundle, org('InsurerMSP').admin);
    expect(bundle.signatures.map((s) => s.mspId)).toEqual(['HospitalMSP', 'InsurerMSP']);
  });

  it('requires only the org itself for its anchor peers, and the orderer org for batch settings', async () => {
    const anchors = await createBundle({
      channel: 'medchannel',
      update: computeConfigUpdate(
        fixture.config,
        setAnchorPeers(fixture.config, 'InsurerMSP', ['127.0.0.1:9999']),
        'medchannel',
      ),
      description: 'anchor',
      proposer: org('HospitalMSP').admin,
    });
    let missing = await missingSignatures(anchors, fixture.config);
    expect(missing.requirements.map((r) => r.path)).toEqual(['/Channel/Application/InsurerMSP/Admins']);
    expect(missing.missingOrgs).toEqual(['InsurerMSP']);
    const batch = await createBundle({
      channel: 'medchannel',
      update: computeConfigUpdate(fixture.config, setBatchTimeout(fixture.config, '400ms'), 'medchannel'),
      description: 'batch',
      proposer: org('OrdererMSP').admin,
    });
    missing = await missingSignatures(batch, fixture.config);
    expect(missing.requirements.map((r) => r.path)).toEqual(['/Channel/Orderer/Admins']);
    expect(missing.satisfied).toBe(true);
  });

  it('refuses a bundle whose update bytes were changed after signing', async () => {
    const bundle = await addOrgBundle();
    const other = encodeConfigUpdate(
      computeConfigUpdate(fixture.config, setBatchTimeout(fixture.config, '300ms'), 'medchannel'),
    );
    const tampered = { ...bundle, configUpdate: Buffer.from(other).toString('base64') };
    const verification = await verifyBundle(tampered, fixture.config);
    expect(verification.valid).toBe(false);
    expect(verification.tampered).toBe(true);
    expect(verification.problems.join('\n')).toMatch(/digest recorded/);
    // Even with the digest recomputed, the signature no longer matches.
    const recomputed = { ...tampered, configUpdateSha256: Buffer.from(sha256(other)).toString('hex') };
    const again = await verifyBundle(recomputed, fixture.config);
    expect(again.valid).toBe(false);
    expect(again.problems.join('\n')).toMatch(
      /does not match the ConfigUpdate bytes: the update was changed after it was signed/,
    );
    await expect(signBundle(tampered, org('InsurerMSP').admin)).rejects.toThrow(/altered/);
  });

  it('refuses a signature from an organization that is not a member of the channel', async () => {
    const outsider = await makeFixtureOrg('OutsiderMSP', 'outsider.example.com');
    const bundle = await signBundle(await addOrgBundle(), outsider.admin);
    const verification = await verifyBundle(bundle, fixture.config);
    expect(verification.valid).toBe(false);
    expect(verification.problems.join('\n')).toMatch(/OutsiderMSP is not a member of channel medchannel/);
    // An admin certificate from a foreign CA that claims to be an InsurerMSP admin does not chain.
    const impostor = await signBundle(await addOrgBundle(), { ...outsider.admin, mspId: 'InsurerMSP' });
    const impostorCheck = await verifyBundle(impostor, fixture.config);
    expect(impostorCheck.problems.join('\n')).toMatch(/does not chain to the org's CA|does not verify/);
    const missing = await missingSignatures(impostor, fixture.config);
    expect(missing.satisfied).toBe(false);
  });

  it('does not count a non-admin signature', async () => {
    const bundle = await signBundle(await addOrgBundle(), org('InsurerMSP').client);
    const verification = await verifyBundle(bundle, fixture.config);
    expect(verification.problems.join('\n')).toMatch(/not from an admin of InsurerMSP/);
    expect((await missingSignatures(bundle, fixture.config)).satisfied).toBe(false);
  });

  it('refuses an expired bundle', async () => {
    const created = new Date(Date.now() - 3 * 3600_000);
    const bundle = await createBundle({
      channel: 'medchannel',
      update: computeConfigUpdate(fixture.config, setBatchTimeout(fixture.config, '400ms'), 'medchannel'),
      description: 'old',
      proposer: org('OrdererMSP').admin,
      now: created,
      deadline: new Date(created.getTime() + 3600_000),
    });
    const verification = await verifyBundle(bundle, fixture.config);
    expect(verification.expired).toBe(true);
    expect(verification.problems.join('\n')).toMatch(/expired on .* \(deadline passed\)/);
    await expect(signBundle(bundle, org('HospitalMSP').admin)).rejects.toThrow(/deadline passed/);
  });

  it('refuses an update computed against an older config', async () => {
    const first = computeConfigUpdate(fixture.config, setBatchTimeout(fixture.config, '400ms'), 'medchannel');
    const newer = applyConfigUpdate(fixture.config, first);
    const stale = await createBundle({
      channel: 'medchannel',
      update: computeConfigUpdate(fixture.config, setBatchTimeout(fixture.config, '300ms'), 'medchannel'),
      description: 'stale',
      proposer: org('OrdererMSP').admin,
    });
    const verification = await verifyBundle(stale, newer);
    expect(verification.stale).toBe(true);
    expect(verification.problems.join('\n')).toMatch(/computed against an older config/);
  });

  it('rejects a file that is not a bundle with the schema problems', () => {
    expect(() => parseBundle('{"format":"x"}')).toThrow(/not a valid config update bundle: format/);
    expect(() => parseBundle('not json')).toThrow(/not JSON/);
  });

  it('applies an update to the config it was computed from (the result the orderer would commit)', async () => {
    const definition = await validateOrgDefinition({
      format: ORG_DEFINITION_FORMAT,
      mspId: 'Hospital2MSP',
      kind: 'application',
      caCerts: [hospital2.ca.certPem],
      tlsCaCerts: [hospital2.tlsCa.certPem],
    });
    const updated = removeOrg(addApplicationOrg(fixture.config, definition), 'RegulatorMSP');
    const update = computeConfigUpdate(fixture.config, updated, 'medchannel');
    const applied = applyConfigUpdate(fixture.config, decodeConfigUpdate(encodeConfigUpdate(update)));
    expect({ ...decodeChannelConfig(applied), sequence: 0 }).toEqual({
      ...decodeChannelConfig(updated),
      sequence: 0,
    });
    expect(applied.channelGroup.groups.Application?.version).toBe(1);
    const impact = previewUpdateImpact(fixture.config, update);
    expect(impact.orgsAdded).toEqual(['Hospital2MSP']);
    expect(impact.orgsRemoved).toEqual(['RegulatorMSP']);
  });
});
