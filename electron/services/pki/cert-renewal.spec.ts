import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recertify, renewMspSigningCert, renewNodeCertificates, RenewalError } from './cert-renewal';
import { EncryptedKeystore } from './keystore';
import { P256_HALF_ORDER } from './low-s';
import { readLocalMsp, readTlsDir } from './msp';
import { caKeyName, ensureOrgMaterial, tlsCaKeyName, type OrgSpec } from './org-material';
import { certificateSignature, tempDirs } from './spec-helpers';
import {
  createCertificateAuthority,
  describeCertificate,
  issueCertificate,
  keyMatchesCertificate,
} from './x509';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const DAY = 24 * 60 * 60 * 1000;
const PEER_HOST = 'peer0.insurer.test.local';

async function setup(kind: OrgSpec['kind'] = 'peer') {
  const root = await dirs.make('renewal');
  const cryptoDir = path.join(root, 'crypto');
  const keystore = new EncryptedKeystore(path.join(root, 'keystore'), 'spec');
  const domain = kind === 'peer' ? 'insurer.test.local' : 'orderer.test.local';
  const node = kind === 'peer' ? 'peer0' : 'orderer0';
  const material = await ensureOrgMaterial(
    cryptoDir,
    {
      name: 'Org',
      mspId: 'OrgMSP',
      domain,
      kind,
      nodes: [node],
      users: [{ name: 'doc', ou: 'client', attributes: { role: 'doctor' } }],
    },
    keystore,
  );
  const host = `${node}.${domain}`;
  const nodeMaterial = material.nodes[node];
  if (!nodeMaterial) throw new Error('no node material');
  return { cryptoDir, keystore, domain, host, material, nodeMaterial };
}

describe('renewNodeCertificates', () => {
  it('re-issues the TLS certificate with a new key, same subject and SANs, new serial and validity', async () => {
    const { cryptoDir, keystore, domain, host, material, nodeMaterial } = await setup();
    const before = await readTlsDir(nodeMaterial.tlsDir);
    const result = await renewNodeCertificates({ cryptoDir, keystore, domain, host, validityDays: 90 });
    expect(result.host).toBe(PEER_HOST);
    expect(result.nextStep).toMatch(/restart/);
    const [renewed] = result.renewed;
    expect(renewed).toMatchObject({ target: 'tls', keyReused: false, cappedByCa: false });

    const after = await readTlsDir(nodeMaterial.tlsDir);
    expect(after.certPem).toBe(renewed?.certPem);
    expect(after.keyPem).not.toBe(before.keyPem);
    expect(keyMatchesCertificate(after.certPem, after.keyPem)).toBe(true);
    const oldInfo = describeCertificate(before.certPem);
    const newInfo = describeCertificate(after.certPem);
    expect(newInfo.subject).toBe(oldInfo.subject);
    expect(newInfo.sans).toEqual(oldInfo.sans);
    expect(newInfo.serialNumber).not.toBe(oldInfo.serialNumber);
    expect(renewed?.previous.serialNumber).toBe(
      new NodeX509Certificate(before.certPem).serialNumber.toUpperCase(),
    );
    expect(Math.abs(new Date(newInfo.notAfter).getTime() - (Date.now() + 90 * DAY))).toBeLessThan(60_000);
    const cert = new NodeX509Certificate(after.certPem);
    expect(cert.checkIssued(new NodeX509Certificate(material.tlsCaCertPem))).toBe(true);
    expect(cert.keyUsage).toEqual(new NodeX509Certificate(before.certPem).keyUsage);
    expect(certificateSignature(after.certPem).s <= P256_HALF_ORDER).toBe(true);
    // The enrollment certificate was not asked for and is untouched.
    expect(result.renewed).toHaveLength(1);
    expect((await readLocalMsp(nodeMaterial.mspDir)).signCertPem).toBe(
      await readFile(path.join(nodeMaterial.mspDir, 'signcerts', 'cert.pem'), 'utf8'),
    );
  });

  it('keeps the key when asked, and renews the enrollment certificate keeping OU and attributes', async () => {
    const { cryptoDir, keystore, domain, host, material, nodeMaterial } = await setup();
    const tlsBefore = await readTlsDir(nodeMaterial.tlsDir);
    const mspBefore = await readLocalMsp(nodeMaterial.mspDir);
    const result = await renewNodeCertificates({
      cryptoDir,
      keystore,
      domain,
      host,
      targets: ['tls', 'enrollment'],
      keepKey: true,
    });
    expect(result.renewed.map((entry) => [entry.target, entry.keyReused])).toEqual([
      ['tls', true],
      ['enrollment', true],
    ]);
    const tlsAfter = await readTlsDir(nodeMaterial.tlsDir);
    expect(tlsAfter.keyPem).toBe(tlsBefore.keyPem);
    expect(tlsAfter.certPem).not.toBe(tlsBefore.certPem);
    const mspAfter = await readLocalMsp(nodeMaterial.mspDir);
    expect(mspAfter.keyPem).toBe(mspBefore.keyPem);
    expect(mspAfter.nodeOu).toBe('peer');
    expect(describeCertificate(mspAfter.signCertPem).subject).toBe(
      describeCertificate(mspBefore.signCertPem).subject,
    );
    expect(mspAfter.signCertPem).not.toBe(mspBefore.signCertPem);

    // Any console-written MSP: a user's fabric-ca attributes (role) survive the renewal.
    const doc = material.users.doc;
    if (!doc) throw new Error('no user');
    const ca = { certPem: material.caCertPem, keyPem: await keystore.get(caKeyName(domain)) };
    const renewedUser = await renewMspSigningCert(doc.mspDir, ca, { validityDays: 30 });
    const userInfo = describeCertificate((await readLocalMsp(doc.mspDir)).signCertPem);
    expect(userInfo.attributes).toMatchObject({ role: 'doctor', 'hf.Type': 'client' });
    expect(userInfo.nodeOu).toBe('client');
    expect(renewedUser.keyReused).toBe(false);
  });

  it("refuses a new key for an orderer's TLS certificate (Raft consenters match by public key) but renews with keepKey", async () => {
    const { cryptoDir, keystore, domain, host } = await setup('orderer');
    await expect(renewNodeCertificates({ cryptoDir, keystore, domain, host })).rejects.toThrow(
      /consenter set.*keepKey/,
    );
    const result = await renewNodeCertificates({ cryptoDir, keystore, domain, host, keepKey: true });
    expect(result.renewed[0]?.keyReused).toBe(true);
  });

  it('refuses unknown nodes and folders holding files it would not rewrite', async () => {
    const { cryptoDir, keystore, domain, host, nodeMaterial } = await setup();
    await expect(
      renewNodeCertificates({ cryptoDir, keystore, domain, host: 'peer9.insurer.test.local' }),
    ).rejects.toThrow(/no node peer9/);
    await writeFile(path.join(nodeMaterial.tlsDir, 'extra.pem'), 'x');
    await expect(renewNodeCertificates({ cryptoDir, keystore, domain, host })).rejects.toThrow(
      /extra\.pem.*renew it by hand/,
    );
  });
});

describe('recertify', () => {
  it('renews an expired certificate, caps at the CA expiry, and refuses a certificate of another CA', async () => {
    const { keystore, domain, material, nodeMaterial } = await setup();
    const tlsCa = { certPem: material.tlsCaCertPem, keyPem: await keystore.get(tlsCaKeyName(domain)) };
    const current = await readTlsDir(nodeMaterial.tlsDir);
    // A clock two years ahead: the current certificate has expired; the renewal is still possible.
    const later = new Date(Date.now() + 730 * DAY);
    const renewed = await recertify(current, tlsCa, { now: later, validityDays: 30 });
    expect(new Date(describeCertificate(renewed.certPem).notBefore).getTime()).toBeLessThan(later.getTime());
    expect(new Date(describeCertificate(renewed.certPem).notAfter).getTime()).toBeGreaterThan(
      later.getTime(),
    );

    const capped = await recertify(current, tlsCa, { validityDays: 365 * 20 });
    expect(capped.cappedByCa).toBe(true);
    expect(describeCertificate(capped.certPem).notAfter).toBe(
      describeCertificate(material.tlsCaCertPem).notAfter,
    );

    const identityCa = { certPem: material.caCertPem, keyPem: await keystore.get(caKeyName(domain)) };
    await expect(recertify(current, identityCa)).rejects.toThrow(RenewalError);
    const stranger = await createCertificateAuthority({ commonName: 'ca.stranger', organization: 'x' });
    const strangerLeaf = await issueCertificate(stranger, {
      kind: 'tls',
      commonName: 'peer0',
      organization: 'x',
    });
    await expect(recertify(strangerLeaf, tlsCa)).rejects.toThrow(/not issued by/);
    await expect(recertify(current, tlsCa, { validityDays: 0 })).rejects.toThrow(/positive integer/);
  });
});
