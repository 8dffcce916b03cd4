import 'reflect-metadata';
import { createPrivateKey, webcrypto } from 'node:crypto';
import {
  AuthorityKeyIdentifierExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CrlGenerator,
} from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { emptyGroup, type ChannelConfig } from '../channel/config-tree';
import { decodeMsp, encodeMsp, VALUE_KEYS, type FabricMspDefinition } from '../channel/config-values';
import { createCertificateAuthority, type CertificateAuthority } from '../pki/x509';
import {
  CrlPublicationError,
  orgGroupNameOf,
  revocationListOf,
  withPublishedCrl,
  withRevocationList,
} from './crl-publication';

function mspDefinition(mspId: string, ca: CertificateAuthority, crls: string[] = []): FabricMspDefinition {
  return {
    type: 'fabric',
    name: mspId,
    rootCerts: [ca.certPem],
    intermediateCerts: [],
    admins: [],
    revocationList: crls,
    tlsRootCerts: [ca.certPem],
    tlsIntermediateCerts: [],
    organizationalUnitIdentifiers: [],
  };
}

function channelWith(orgs: Record<string, FabricMspDefinition>): ChannelConfig {
  const application = emptyGroup('Admins');
  for (const [groupName, definition] of Object.entries(orgs)) {
    const group = emptyGroup('Admins');
    group.values[VALUE_KEYS.msp] = { version: 0, modPolicy: 'Admins', value: encodeMsp(definition) };
    application.groups[groupName] = group;
  }
  const channelGroup = emptyGroup('Admins');
  channelGroup.groups.Application = application;
  return { sequence: 3, channelGroup };
}

async function crlFrom(ca: CertificateAuthority, serials: string[], thisUpdate: Date): Promise<string> {
  const caCert = new X509Certificate(ca.certPem);
  const ski = caCert.getExtension(SubjectKeyIdentifierExtension)?.keyId ?? '';
  const signingKey = await webcrypto.subtle.importKey(
    'pkcs8',
    createPrivateKey(ca.keyPem).export({ type: 'pkcs8', format: 'der' }),
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['sign'],
  );
  const crl = await X509CrlGenerator.create({
    issuer: caCert.subjectName,
    thisUpdate,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    signingKey,
    extensions: [new AuthorityKeyIdentifierExtension(ski)],
    entries: serials.map((serialNumber) => ({ serialNumber })),
  });
  return `${crl.toString('pem')}\n`;
}

function crlsIn(config: ChannelConfig, group: string): string[] {
  const value = config.channelGroup.groups.Application?.groups[group]?.values[VALUE_KEYS.msp];
  if (!value) return [];
  const definition = decodeMsp(value.value);
  return definition.type === 'fabric' ? definition.revocationList : [];
}

describe('CRL publication in the channel config', () => {
  it('adds the CRL to the org MSP, replacing an older CRL of the same CA and keeping others', async () => {
    const hospitalCa = await createCertificateAuthority({
      commonName: 'ca.hospital',
      organization: 'hospital',
    });
    const otherCa = await createCertificateAuthority({ commonName: 'ca.other', organization: 'other' });
    const foreign = await crlFrom(otherCa, ['01'], new Date('2030-01-01T00:00:00Z'));
    const config = channelWith({
      HospitalMSP: mspDefinition('HospitalMSP', hospitalCa, [foreign]),
      InsurerMSP: mspDefinition('InsurerMSP', otherCa),
    });

    const first = await crlFrom(hospitalCa, ['0a'], new Date('2030-01-01T00:00:00Z'));
    const once = withPublishedCrl(config, 'HospitalMSP', first);
    expect(crlsIn(once, 'HospitalMSP')).toEqual([foreign, first]);
    expect(crlsIn(config, 'HospitalMSP')).toEqual([foreign]);
    expect(crlsIn(once, 'InsurerMSP')).toEqual([]);
    expect(() => withPublishedCrl(once, 'HospitalMSP', first)).toThrow(CrlPublicationError);

    const second = await crlFrom(hospitalCa, ['0a', '0b'], new Date('2030-01-02T00:00:00Z'));
    const twice = withPublishedCrl(once, 'HospitalMSP', second);
    expect(crlsIn(twice, 'HospitalMSP')).toEqual([foreign, second]);
    expect(revocationListOf(twice, 'HospitalMSP')).toEqual([foreign, second]);

    expect(crlsIn(withRevocationList(twice, 'HospitalMSP', [foreign]), 'HospitalMSP')).toEqual([foreign]);
  });

  it('finds the org group by MSP ID even when the group has another name', async () => {
    const ca = await createCertificateAuthority({ commonName: 'ca.h', organization: 'h' });
    const config = channelWith({ HospitalOrg: mspDefinition('HospitalMSP', ca) });
    expect(orgGroupNameOf(config, 'HospitalMSP')).toBe('HospitalOrg');
    const crl = await crlFrom(ca, ['0c'], new Date('2030-01-01T00:00:00Z'));
    expect(crlsIn(withPublishedCrl(config, 'HospitalMSP', crl), 'HospitalOrg')).toEqual([crl]);
    expect(() => orgGroupNameOf(config, 'NobodyMSP')).toThrow(/no organization with MSP ID NobodyMSP/);
  });
});
