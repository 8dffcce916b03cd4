import 'reflect-metadata';
import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueCertificate } from '../pki';
import { makeFixtureOrg } from './config-fixture';
import { decodeMsp } from './config-values';
import {
  ORG_DEFINITION_FORMAT,
  orgGroupFromDefinition,
  serializeOrgDefinition,
  validateOrgDefinition,
} from './org-definition';

/** Flips one bit of the certificate's signature: it still parses, but no longer verifies. */
function corruptSignature(pem: string): string {
  const der = Buffer.from(new NodeX509Certificate(pem).raw);
  der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 0x01;
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

describe('org definitions', () => {
  it('validates a definition, fills defaults and builds the org group like configtxgen', async () => {
    const org = await makeFixtureOrg('Hospital2MSP', 'hospital2.example.com');
    const definition = await validateOrgDefinition(
      JSON.stringify({
        format: ORG_DEFINITION_FORMAT,
        mspId: 'Hospital2MSP',
        kind: 'application',
        caCerts: [org.ca.certPem],
        tlsCaCerts: [org.tlsCa.certPem],
        anchorPeers: [{ host: 'peer0.hospital2.example.com', port: 7051 }],
      }),
    );
    expect(definition.nodeOUs).toEqual({
      enable: true,
      clientOu: 'client',
      peerOu: 'peer',
      adminOu: 'admin',
      ordererOu: 'orderer',
    });
    expect(JSON.parse(serializeOrgDefinition(definition))).toEqual(definition);
    const group = orgGroupFromDefinition(definition);
    expect(Object.keys(group.values).sort()).toEqual(['AnchorPeers', 'MSP']);
    expect(Object.keys(group.policies).sort()).toEqual(['Admins', 'Endorsement', 'Readers', 'Writers']);
    expect(group.modPolicy).toBe('Admins');
    const msp = decodeMsp(group.values.MSP?.value ?? new Uint8Array());
    expect(msp.type === 'fabric' && msp.nodeOus?.admin).toEqual({
      certificate: org.ca.certPem,
      identifier: 'admin',
    });
  });

  it('refuses bad MSP IDs, missing CAs and endpoints on the wrong kind of org, listing each problem', async () => {
    const org = await makeFixtureOrg('X', 'x.example.com');
    await expect(
      validateOrgDefinition({
        format: ORG_DEFINITION_FORMAT,
        mspId: '1 bad id',
        kind: 'application',
        caCerts: [],
        tlsCaCerts: [org.tlsCa.certPem],
        ordererEndpoints: ['orderer:7050'],
      }),
    ).rejects.toThrow(
      /mspId: MSP IDs start with a letter.*caCerts: at least one CA certificate.*ordererEndpoints are only for orderer/s,
    );
  });

  it('refuses a leaf certificate given as CA (CA:TRUE missing)', async () => {
    const org = await makeFixtureOrg('LeafMSP', 'leaf.example.com');
    await expect(
      validateOrgDefinition({
        format: ORG_DEFINITION_FORMAT,
        mspId: 'LeafMSP',
        kind: 'application',
        caCerts: [org.admin.certPem],
        tlsCaCerts: [org.tlsCa.certPem],
      }),
    ).rejects.toThrow(/CA certificate 1 .* is not a CA certificate \(CA:TRUE missing\)/);
  });

  it('refuses a CA whose signature does not verify', async () => {
    const org = await makeFixtureOrg('BadMSP', 'bad.example.com');
    await expect(
      validateOrgDefinition({
        format: ORG_DEFINITION_FORMAT,
        mspId: 'BadMSP',
        kind: 'application',
        caCerts: [corruptSignature(org.ca.certPem)],
        tlsCaCerts: [org.tlsCa.certPem],
      }),
    ).rejects.toThrow(/its self-signature does not verify/);
  });

  it('refuses an admin certificate that does not chain to the org CA', async () => {
    const org = await makeFixtureOrg('ChainMSP', 'chain.example.com');
    const stranger = await makeFixtureOrg('StrangerMSP', 'stranger.example.com');
    const foreignAdmin = await issueCertificate(stranger.ca, {
      kind: 'identity',
      commonName: 'Admin@chain.example.com',
      organization: 'ChainMSP',
      nodeOu: 'admin',
    });
    await expect(
      validateOrgDefinition({
        format: ORG_DEFINITION_FORMAT,
        mspId: 'ChainMSP',
        kind: 'application',
        caCerts: [org.ca.certPem],
        tlsCaCerts: [org.tlsCa.certPem],
        admins: [foreignAdmin.certPem],
      }),
    ).rejects.toThrow(/admin certificate 1 .* does not chain to the org's CA/);
  });

  it('requires orderer endpoints for an orderer org', async () => {
    const org = await makeFixtureOrg('Orderer2MSP', 'orderer2.example.com');
    await expect(
      validateOrgDefinition({
        format: ORG_DEFINITION_FORMAT,
        mspId: 'Orderer2MSP',
        kind: 'orderer',
        caCerts: [org.ca.certPem],
        tlsCaCerts: [org.tlsCa.certPem],
      }),
    ).rejects.toThrow(/needs ordererEndpoints/);
    const definition = await validateOrgDefinition({
      format: ORG_DEFINITION_FORMAT,
      mspId: 'Orderer2MSP',
      kind: 'orderer',
      caCerts: [org.ca.certPem],
      tlsCaCerts: [org.tlsCa.certPem],
      ordererEndpoints: ['orderer0.orderer2.example.com:7050'],
    });
    expect(Object.keys(orgGroupFromDefinition(definition).values).sort()).toEqual(['Endpoints', 'MSP']);
  });
});
