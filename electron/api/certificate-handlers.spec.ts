import { describe, expect, it } from 'vitest';
import type { CertificateApiServices } from './certificate-handlers';
import { createApiHandlers, type ConsoleApiServices } from './handlers';
import { FakeNetworkController } from './testing/fake-network-controller';

const notUsed = async (): Promise<never> => {
  throw new Error('not used');
};

function consoleServices(certificates?: CertificateApiServices): ConsoleApiServices {
  return {
    context: () => {
      throw new Error('not used');
    },
    setActingOrg: () => {
      throw new Error('not used');
    },
    openStateDir: notUsed,
    listIdentities: notUsed,
    issueIdentity: notUsed,
    exportOrgDefinition: notUsed,
    channelConfig: notUsed,
    chaincodeInfo: notUsed,
    proposeChannelUpdate: notUsed,
    reviewUpdateBundle: notUsed,
    signUpdateBundle: notUsed,
    submitUpdateBundle: notUsed,
    importOrgDefinition: notUsed,
    prepareJoin: notUsed,
    joinPackage: notUsed,
    joinStatus: notUsed,
    ...(certificates ? { certificates } : {}),
  };
}

/** Records what reaches the services; every call answers with a marker. */
function recordingCertificates(seen: unknown[]): CertificateApiServices {
  const record =
    (name: string) =>
    async (...args: unknown[]): Promise<never> => {
      seen.push([name, ...args]);
      throw Object.assign(new Error(`${name} reached the services`), { code: 'conflict' });
    };
  return {
    inventory: record('inventory'),
    renewNode: record('renewNode'),
    caStatus: record('caStatus'),
    caRegister: record('caRegister'),
    caEnroll: record('caEnroll'),
    caReenroll: record('caReenroll'),
    caRevoke: record('caRevoke'),
    caPublishCrl: record('caPublishCrl'),
  };
}

const CRL_PEM = '-----BEGIN X509 CRL-----\nMIIBQTCB6QIBATAK\n-----END X509 CRL-----\n';

describe('certificate and Fabric CA channels', () => {
  it('answer unavailable when the console runs without the certificate services', async () => {
    const handlers = createApiHandlers(new FakeNetworkController(), consoleServices());
    for (const channel of ['certificates:inventory', 'ca:status', 'ca:publish-crl']) {
      const envelope = await handlers.invoke(channel, {});
      expect(envelope).toMatchObject({
        error: { code: 'unavailable', message: expect.stringContaining('certificate services') },
      });
    }
  });

  it('hand validated arguments to the services', async () => {
    const seen: unknown[] = [];
    const handlers = createApiHandlers(
      new FakeNetworkController(),
      consoleServices(recordingCertificates(seen)),
    );
    await handlers.invoke('certificates:renew-node', {
      nodeId: 'peer0.hospital.medfabric.local',
      target: 'tls',
    });
    await handlers.invoke('ca:register', { enrollmentId: 'nurse-1', role: 'nurse', patientId: 'P-1' });
    await handlers.invoke('ca:enroll', { enrollmentId: 'nurse-1', secret: 'GxKpQ' });
    await handlers.invoke('ca:reenroll', { enrollmentId: 'nurse-1' });
    await handlers.invoke('ca:revoke', { enrollmentId: 'nurse-1', reason: 'keycompromise' });
    await handlers.invoke('ca:publish-crl', {});
    expect(seen).toEqual([
      ['renewNode', { nodeId: 'peer0.hospital.medfabric.local', target: 'tls' }],
      ['caRegister', { enrollmentId: 'nurse-1', role: 'nurse', patientId: 'P-1' }],
      ['caEnroll', { enrollmentId: 'nurse-1', secret: 'GxKpQ' }],
      ['caReenroll', { enrollmentId: 'nurse-1' }],
      ['caRevoke', { enrollmentId: 'nurse-1', reason: 'keycompromise' }],
      ['caPublishCrl'],
    ]);
  });

  it('refuse bad arguments with a sentence per problem, before the services see them', async () => {
    const seen: unknown[] = [];
    const handlers = createApiHandlers(
      new FakeNetworkController(),
      consoleServices(recordingCertificates(seen)),
    );
    const refusals: Array<[string, unknown, string]> = [
      ['certificates:renew-node', { nodeId: 'peer0', target: 'ca' }, 'target'],
      ['certificates:renew-node', { nodeId: '../peer0', target: 'tls' }, 'nodeId'],
      ['ca:register', { enrollmentId: '../../etc', role: 'nurse' }, 'enrollmentId'],
      ['ca:register', { enrollmentId: 'nurse-1', role: 'Chief Nurse' }, 'role'],
      ['ca:enroll', { enrollmentId: 'nurse-1', secret: 'two words' }, 'secret'],
      ['ca:enroll', { enrollmentId: 'nurse-1', secret: '' }, 'secret'],
      ['ca:revoke', { enrollmentId: 'nurse-1', reason: 'removefromcrl' }, 'reason'],
      ['ca:revoke', { enrollmentId: 'nurse-1' }, 'reason'],
      ['ca:status', { mspId: 'InsurerMSP' }, '(arguments)'],
    ];
    for (const [channel, args, path] of refusals) {
      const envelope = await handlers.invoke(channel, args);
      expect(envelope, `${channel} ${JSON.stringify(args)}`).toMatchObject({
        error: { code: 'invalid-argument', details: [expect.objectContaining({ path })] },
      });
    }
    expect(seen).toEqual([]);
  });

  it('accept a revocation-list edit carrying one PEM CRL, and nothing else', async () => {
    const proposals: unknown[] = [];
    const services: ConsoleApiServices = {
      ...consoleServices(),
      proposeChannelUpdate: async (request) => {
        proposals.push(request);
        throw Object.assign(new Error('proposed'), { code: 'conflict' });
      },
    };
    const handlers = createApiHandlers(new FakeNetworkController(), services);
    const propose = (crl: string) =>
      handlers.invoke('channel:propose-update', {
        edit: { kind: 'revocation-list', mspId: 'HospitalMSP', crl },
        description: 'Publish the hospital CRL',
      });
    expect(await propose(CRL_PEM)).toMatchObject({ error: { code: 'conflict' } });
    expect(proposals).toHaveLength(1);
    for (const bad of [
      '-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n',
      '   ',
      `${CRL_PEM}trailing`,
    ]) {
      expect(await propose(bad)).toMatchObject({
        error: {
          code: 'invalid-argument',
          details: expect.arrayContaining([expect.objectContaining({ path: 'edit.crl' })]),
        },
      });
    }
    expect(proposals).toHaveLength(1);
  });
});
