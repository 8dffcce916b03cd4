import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureChannel, type FixtureChannel } from '../channel/config-fixture';
import type { ConfigBlockInfo } from '../channel/config-tree';
import { applyConfigUpdate, decodeConfigUpdate } from '../channel/update-compute';
import {
  checkOrgDefinition,
  proposeUpdate,
  reviewBundleText,
  signBundleText,
  submitBundleText,
  type ChannelUpdateContext,
} from './channel-updates';
import { ConsoleError } from './errors';

// The console's side of channel updates on a realistic channel config (configtxgen, fresh CAs),
// with no network: propose, review, sign as each org, refuse what must be refused. Submitting
// through a real orderer is covered by the Playwright specs on the real network.

const BIN_DIR = path.resolve(import.meta.dirname, '..', '..', '..', '.fabric', 'bin');
const haveFabric = existsSync(path.join(BIN_DIR, 'configtxgen'));

let dir: string;
let fixture: FixtureChannel;
let info: ConfigBlockInfo;

function contextFor(mspId: string): ChannelUpdateContext {
  const org = fixture.orgs[mspId];
  if (!org) throw new Error(`no fixture org ${mspId}`);
  return {
    channel: fixture.channelId,
    acting: mspId,
    readConfig: async () => info,
    admin: () => org.admin,
    nodeVersions: async () => [],
    submitTargets: () => {
      throw new ConsoleError('unavailable', 'no orderer in unit tests');
    },
  };
}

async function refusal(promise: Promise<unknown>): Promise<ConsoleError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(ConsoleError);
  return error as ConsoleError;
}

beforeAll(async () => {
  if (!haveFabric) return;
  dir = await mkdtemp(path.join(os.tmpdir(), 'medfabric-console-updates-'));
  fixture = await makeFixtureChannel(dir, BIN_DIR);
  info = { channelId: fixture.channelId, blockNumber: 0, config: fixture.config };
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!haveFabric)('channel updates from the console', () => {
  it('proposes a batch timeout change: impact in words, the orderer org admin must sign', async () => {
    const proposal = await proposeUpdate(contextFor('HospitalMSP'), {
      edit: { kind: 'batch', timeoutMs: 750 },
      description: 'Cut blocks every 750 ms',
    });
    expect(proposal.fileName).toMatch(/^medchannel-update-[0-9a-f]{8}-signed-HospitalMSP\.json$/);
    const review = proposal.review;
    expect(review.impact.join('\n')).toMatch(/BatchTimeout: 500ms → 750ms/);
    expect(review.verification).toMatchObject({ valid: true, tampered: false, expired: false, stale: false });
    expect(review.signatures).toEqual([
      expect.objectContaining({ mspId: 'HospitalMSP', valid: true, isAdmin: true }),
    ]);
    expect(review.requirements).toEqual([
      expect.objectContaining({ policy: '/Channel/Orderer/Admins', satisfied: false, needMore: 1 }),
    ]);
    expect(review.missingOrgs).toEqual(['OrdererMSP']);
    expect(review.satisfied).toBe(false);
    expect(review.acting).toMatchObject({ mspId: 'HospitalMSP', hasSigned: true, canSign: false });

    // The hospital cannot sign twice; the insurer may sign, though its signature is not needed.
    const twice = await refusal(signBundleText(contextFor('HospitalMSP'), proposal.bundleJson));
    expect(twice.code).toBe('conflict');
    expect(twice.message).toMatch(/HospitalMSP has already signed/);
    const insurerView = await reviewBundleText(contextFor('InsurerMSP'), proposal.bundleJson);
    expect(insurerView.acting).toMatchObject({ canSign: true, signatureNeeded: false });
    const ordererView = await reviewBundleText(contextFor('OrdererMSP'), proposal.bundleJson);
    expect(ordererView.acting).toMatchObject({ canSign: true, signatureNeeded: true });

    const signed = await signBundleText(contextFor('OrdererMSP'), proposal.bundleJson);
    expect(signed.review.signatures.map((signature) => signature.mspId)).toEqual([
      'HospitalMSP',
      'OrdererMSP',
    ]);
    expect(signed.review.satisfied).toBe(true);
    expect(signed.review.missingOrgs).toEqual([]);
    expect(signed.fileName).toMatch(/signed-HospitalMSP-OrdererMSP\.json$/);
    const update = decodeConfigUpdate(Buffer.from(JSON.parse(signed.bundleJson).configUpdate, 'base64'));
    expect(applyConfigUpdate(fixture.config, update).sequence).toBe(fixture.config.sequence + 1);
  });

  it('refuses a bundle whose update was changed after signing, naming the problem', async () => {
    const proposal = await proposeUpdate(contextFor('HospitalMSP'), {
      edit: { kind: 'batch', timeoutMs: 700 },
      description: 'timeout 700',
    });
    const bundle = JSON.parse(proposal.bundleJson) as { configUpdate: string; configUpdateSha256: string };
    const bytes = Buffer.from(bundle.configUpdate, 'base64');
    const at = bytes.indexOf('700ms');
    expect(at).toBeGreaterThan(0);
    bytes.write('900ms', at);
    const tampered = JSON.stringify({
      ...bundle,
      configUpdate: bytes.toString('base64'),
      configUpdateSha256: createHash('sha256').update(bytes).digest('hex'),
    });
    const review = await reviewBundleText(contextFor('OrdererMSP'), tampered);
    expect(review.verification).toMatchObject({ valid: false, tampered: true });
    expect(review.verification.problems.join('\n')).toMatch(/changed after it was signed/);
    expect(review.acting.canSign).toBe(false);
    expect(review.impact).toEqual([]);
    const sign = await refusal(signBundleText(contextFor('OrdererMSP'), tampered));
    expect(sign.code).toBe('invalid-argument');
    expect(sign.details).toMatchObject({ kind: 'bundle-refused' });

    const notABundle = await refusal(reviewBundleText(contextFor('OrdererMSP'), '{"hello": "world"}'));
    expect(notABundle.message).toMatch(/not a config update bundle/);
    expect((notABundle.details as { problems: string[] }).problems.join('\n')).toMatch(/format/);
  });

  it('refuses edits that change nothing or name an unknown org, and a deadline in the past', async () => {
    const same = await refusal(
      proposeUpdate(contextFor('HospitalMSP'), {
        edit: { kind: 'batch', timeoutMs: 500 },
        description: 'same',
      }),
    );
    expect(same.message).toMatch(/changes nothing/);
    const unknown = await refusal(
      proposeUpdate(contextFor('HospitalMSP'), {
        edit: { kind: 'remove-org', mspId: 'NopeMSP' },
        description: 'remove',
      }),
    );
    expect(unknown.code).toBe('not-found');
    const late = await refusal(
      proposeUpdate(contextFor('HospitalMSP'), {
        edit: { kind: 'batch', timeoutMs: 600 },
        description: 'late',
        deadline: '2020-01-01T00:00:00.000Z',
      }),
    );
    expect(late.message).toMatch(/not in the future/);
    const badDefinition = await refusal(
      proposeUpdate(contextFor('HospitalMSP'), {
        edit: { kind: 'add-org', definition: '{"format":"medfabric.org-definition/v1","mspId":"X"}' },
        description: 'add',
      }),
    );
    expect(badDefinition.code).toBe('invalid-argument');
    expect((badDefinition.details as { problems: string[] }).problems.length).toBeGreaterThan(0);
  });

  it('proposes ACL and policy edits with their impact, and refuses bad rules and consenter edits in words', async () => {
    const acl = await proposeUpdate(contextFor('HospitalMSP'), {
      edit: { kind: 'acl', resource: 'qscc/GetChainInfo', policy: '/Channel/Application/Admins' },
      description: 'Only admins read chain info',
    });
    expect(acl.review.impact.join('\n')).toMatch(/qscc\/GetChainInfo/);
    expect(acl.review.requirements.map((requirement) => requirement.policy)).toContain(
      '/Channel/Application/Admins',
    );

    const policy = await proposeUpdate(contextFor('HospitalMSP'), {
      edit: { kind: 'policy', level: 'Application', name: 'Endorsement', rule: "OR('HospitalMSP.peer')" },
      description: 'Only the hospital endorses',
    });
    expect(policy.review.impact.join('\n')).toMatch(/Endorsement/);
    const update = decodeConfigUpdate(Buffer.from(JSON.parse(policy.bundleJson).configUpdate, 'base64'));
    expect(applyConfigUpdate(fixture.config, update).sequence).toBe(fixture.config.sequence + 1);

    const badRule = await refusal(
      proposeUpdate(contextFor('HospitalMSP'), {
        edit: { kind: 'policy', level: 'Application', name: 'Writers', rule: 'OR(HospitalMSP' },
        description: 'broken',
      }),
    );
    expect(badRule.code).toBe('invalid-argument');
    const adminsGone = await refusal(
      proposeUpdate(contextFor('HospitalMSP'), {
        edit: { kind: 'policy', level: 'Application', name: 'Admins', rule: null },
        description: 'no admins',
      }),
    );
    expect(adminsGone.message).toMatch(/Admins policy guards the group/);
    const noSuchConsenter = await refusal(
      proposeUpdate(contextFor('HospitalMSP'), {
        edit: { kind: 'remove-consenter', endpoint: 'nowhere.example:7050' },
        description: 'remove',
      }),
    );
    expect(noSuchConsenter.message).toMatch(/nowhere\.example:7050 is not a consenter/);
    const garbledCert = await refusal(
      proposeUpdate(contextFor('HospitalMSP'), {
        edit: {
          kind: 'add-consenter',
          endpoint: 'orderer2.example:7050',
          clientTlsCert: '-----BEGIN CERTIFICATE-----\nnot base64 der\n-----END CERTIFICATE-----\n',
          serverTlsCert: '-----BEGIN CERTIFICATE-----\nnot base64 der\n-----END CERTIFICATE-----\n',
        },
        description: 'add',
      }),
    );
    expect(garbledCert.code).toBe('invalid-argument');
    expect(garbledCert.message).toMatch(/consenter client TLS certificate/);
  });

  it('refuses to submit without the needed signatures before anything is sent', async () => {
    const proposal = await proposeUpdate(contextFor('HospitalMSP'), {
      edit: { kind: 'anchor-peers', mspId: 'HospitalMSP', endpoints: ['127.0.0.1:7999'] },
      description: 'move the anchor peer',
    });
    // The hospital's own admin is enough for its anchor peers.
    expect(proposal.review.satisfied).toBe(true);
    expect(proposal.review.impact.join('\n')).toMatch(/127\.0\.0\.1:7999/);
    const noOrderer = await refusal(submitBundleText(contextFor('HospitalMSP'), proposal.bundleJson));
    expect(noOrderer.code).toBe('unavailable');
  });

  it('checks an org definition and tells whether the org is already a member', async () => {
    const hospital = fixture.orgs.HospitalMSP;
    if (!hospital) throw new Error('no hospital');
    const definition = JSON.stringify({
      format: 'medfabric.org-definition/v1',
      mspId: 'HospitalMSP',
      kind: 'application',
      caCerts: [hospital.ca.certPem],
      tlsCaCerts: [hospital.tlsCa.certPem],
    });
    await expect(checkOrgDefinition(definition, async () => info)).resolves.toMatchObject({
      valid: true,
      mspId: 'HospitalMSP',
      alreadyMember: true,
    });
    const check = await checkOrgDefinition('[]');
    expect(check.valid).toBe(false);
    expect(check.problems.length).toBeGreaterThan(0);
  });
});
