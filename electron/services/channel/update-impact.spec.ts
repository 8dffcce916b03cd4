import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addApplicationOrg,
  removeOrg,
  setAcl,
  setBatchTimeout,
  setCapability,
  setPolicy,
} from './config-edits';
import { makeFixtureChannel, makeFixtureOrg, type FixtureChannel } from './config-fixture';
import { ORG_DEFINITION_FORMAT, validateOrgDefinition } from './org-definition';
import { capabilityMinimumVersion, previewImpact } from './update-impact';

const BIN_DIR = path.resolve(import.meta.dirname, '..', '..', '..', '.fabric', 'bin');
const haveFabric = existsSync(path.join(BIN_DIR, 'configtxgen'));

let dir: string;
let fixture: FixtureChannel;

describe.skipIf(!haveFabric)('impact preview', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'medfabric-impact-'));
    fixture = await makeFixtureChannel(dir, BIN_DIR);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('explains an added org and the new admin quorum (MAJORITY of 4 → 3)', async () => {
    const org = await makeFixtureOrg('Hospital2MSP', 'hospital2.example.com');
    const definition = await validateOrgDefinition({
      format: ORG_DEFINITION_FORMAT,
      mspId: 'Hospital2MSP',
      kind: 'application',
      caCerts: [org.ca.certPem],
      tlsCaCerts: [org.tlsCa.certPem],
    });
    const report = previewImpact(fixture.config, addApplicationOrg(fixture.config, definition));
    expect(report.orgsAdded).toEqual(['Hospital2MSP']);
    expect(report.quorum).toContainEqual({
      policy: '/Channel/Application/Admins',
      rule: 'MAJORITY Admins',
      before: { needed: 2, of: 3 },
      after: { needed: 3, of: 4 },
    });
    const text = report.summary.join('\n');
    expect(text).toContain('Hospital2MSP joins the application organizations');
    expect(text).toContain(
      '/Channel/Application/Admins (MAJORITY Admins) will need 3 of 4 admin signatures (org admins) instead of 2 of 3',
    );
  });

  it('explains a removed org (MAJORITY of 3 → 2)', () => {
    const report = previewImpact(fixture.config, removeOrg(fixture.config, 'InsurerMSP'));
    expect(report.orgsRemoved).toEqual(['InsurerMSP']);
    expect(report.quorum).toContainEqual(
      expect.objectContaining({
        policy: '/Channel/Application/Admins',
        before: { needed: 2, of: 3 },
        after: { needed: 2, of: 2 },
      }),
    );
    expect(report.summary.join('\n')).toMatch(/InsurerMSP leaves .* lose every right/);
  });

  it('lists who gains or loses a say when a policy changes', () => {
    const report = previewImpact(
      fixture.config,
      setPolicy(fixture.config, ['Application', 'HospitalMSP'], 'Writers', {
        type: 'Signature',
        rule: "OR('HospitalMSP.admin', 'RegulatorMSP.admin')",
      }),
    );
    expect(report.policyChanges).toEqual([
      {
        path: '/Channel/Application/HospitalMSP/Writers',
        before: "OR('HospitalMSP.admin', 'HospitalMSP.client')",
        after: "OR('HospitalMSP.admin', 'RegulatorMSP.admin')",
        gained: ['RegulatorMSP'],
        lost: [],
      },
    ]);
    expect(report.summary[0]).toMatch(/RegulatorMSP gains a say/);
  });

  it('lists capability changes and the nodes whose version may not support them', () => {
    const updated = setCapability(fixture.config, 'Application', 'V3_5', true);
    const report = previewImpact(fixture.config, updated, {
      nodes: [
        { id: 'peer0.hospital', kind: 'peer', version: '3.1.5' },
        { id: 'peer0.insurer', kind: 'peer', version: 'v3.6.0' },
        { id: 'orderer0', kind: 'orderer', version: '3.1.5' },
      ],
    });
    expect(report.capabilities).toEqual([{ level: 'Application', name: 'V3_5', change: 'enabled' }]);
    expect(report.capabilityWarnings.map((w) => w.nodeId)).toEqual(['peer0.hospital']);
    expect(report.summary.join('\n')).toMatch(/peer0.hospital runs Fabric 3.1.5, older than 3.5.0/);
    expect(capabilityMinimumVersion('V1_4_3')).toBe('1.4.3');
  });

  it('describes settings: batch timeout and ACLs', () => {
    const updated = setAcl(
      setBatchTimeout(fixture.config, '400ms'),
      'qscc/GetChainInfo',
      '/Channel/Application/Writers',
    );
    const text = previewImpact(fixture.config, updated).summary.join('\n');
    expect(text).toContain('orderer BatchTimeout: 500ms → 400ms');
    expect(text).toContain('ACL qscc/GetChainInfo: (default) → /Channel/Application/Writers');
  });
});
