// startFabricCa with a stand-in `fabric-ca-server` (a Node script serving /api/v1/cainfo over the
// TLS certificate startFabricCa wrote), so the home layout, secrets, supervision and clean-up are
// checked without Fabric. The real server runs in test/integration/fabric-ca.spec.ts.
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { EncryptedKeystore } from '../pki/keystore';
import { readLocalMsp, readTlsDir } from '../pki/msp';
import { ensureOrgMaterial, type OrgMaterial } from '../pki/org-material';
import { tempDirs } from '../pki/spec-helpers';
import { issueCertificate, NODE_OUS } from '../pki/x509';
import type { FabricInstallation } from '../runtime/fabric-installer';
import { ManagedProcess, type ProcessSpec } from '../runtime/managed-process';
import { StateLayout } from '../runtime/state-layout';
import type { Enrollment } from './fabric-ca-client';
import {
  enrollmentMspDir,
  fabricCaServerConfig,
  FabricCaStartError,
  REGISTRAR_TYPE,
  registrarSecretName,
  startFabricCa,
  writeEnrollmentMsp,
  type FabricCaHost,
} from './fabric-ca-server';
import { isPortFree } from '../runtime/probes';

const STAND_IN = `#!/usr/bin/env node
const fs = require('node:fs');
const https = require('node:https');
const path = require('node:path');
const home = process.argv[process.argv.indexOf('--home') + 1];
const config = fs.readFileSync(path.join(home, 'fabric-ca-server-config.yaml'), 'utf8');
const port = Number(/^port: (\\d+)$/m.exec(config)[1]);
if (!fs.existsSync(path.join(home, 'ca', 'ca-key.pem'))) { console.error('no CA key'); process.exit(2); }
const tls = { cert: fs.readFileSync(path.join(home, 'tls', 'server.crt')), key: fs.readFileSync(path.join(home, 'tls', 'server.key')) };
const chain = fs.readFileSync(path.join(home, 'ca', 'ca-chain.pem')).toString('base64');
https.createServer(tls, (req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ success: true, result: { CAName: 'x', CAChain: chain, Version: '1.5.21' }, errors: [] }));
}).listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

const dirs = tempDirs();
let host: FabricCaHost & { processes: Map<string, ManagedProcess> };
let material: OrgMaterial;
let keystore: EncryptedKeystore;

async function freePort(): Promise<number> {
  for (;;) {
    const port = 40_000 + Math.floor(Math.random() * 20_000);
    if (await isPortFree(port)) return port;
  }
}

beforeEach(async () => {
  const stateDir = await dirs.make('ca-state');
  const binDir = await dirs.make('ca-bin');
  await writeFile(path.join(binDir, 'fabric-ca-server'), STAND_IN);
  await chmod(path.join(binDir, 'fabric-ca-server'), 0o755);
  const layout = new StateLayout(stateDir);
  keystore = new EncryptedKeystore(layout.keystoreDir, 'spec-passphrase');
  material = await ensureOrgMaterial(
    layout.cryptoDir,
    {
      name: 'HospitalOrg',
      mspId: 'HospitalMSP',
      domain: 'hospital.test.local',
      kind: 'peer',
      nodes: ['peer0'],
      users: [{ name: 'Admin', ou: 'admin' }],
    },
    keystore,
  );
  const processes = new Map<string, ManagedProcess>();
  host = {
    processes,
    topology: {
      orgs: [
        {
          name: 'HospitalOrg',
          mspId: 'HospitalMSP',
          domain: 'hospital.test.local',
          role: 'hospital',
          nodeIds: [],
        },
      ],
    },
    layout,
    fabric: { binDir } as FabricInstallation,
    keystore: () => Promise.resolve(keystore),
    orgMaterial: (mspId) => {
      if (mspId !== 'HospitalMSP') throw new Error(`no material for ${mspId}`);
      return material;
    },
    registerProcess: (spec: Omit<ProcessSpec, 'logDir' | 'runDir'>) => {
      const existing = processes.get(spec.id);
      if (existing) return existing;
      const managed = new ManagedProcess({
        ...spec,
        env: { PATH: process.env.PATH, ...spec.env },
        logDir: layout.logDir,
        runDir: layout.runDir,
      });
      processes.set(spec.id, managed);
      return managed;
    },
    process: (id) => processes.get(id),
    unregisterProcess: (id) => {
      processes.delete(id);
    },
  };
});

afterEach(async () => {
  for (const managed of host.processes.values()) await managed.stop();
  await dirs.cleanup();
});

describe('fabricCaServerConfig', () => {
  it('binds loopback with TLS, sqlite, the org CA pair and a registrar that is not a Fabric node OU', () => {
    const config = parseYaml(
      fabricCaServerConfig({
        caName: 'ca.h',
        commonName: 'ca.h',
        port: 7054,
        operationsPort: 0,
        homeDir: '/state/ca',
        registrarSecret: 's3cret',
        enrollmentExpiry: '8760h',
        crlExpiry: '720h',
      }),
    ) as Record<string, Record<string, unknown>>;
    expect(config.address).toBe('127.0.0.1');
    expect(config.port).toBe(7054);
    expect(config.tls).toMatchObject({ enabled: true, certfile: '/state/ca/tls/server.crt' });
    expect(config.ca).toMatchObject({
      certfile: '/state/ca/ca/ca-cert.pem',
      keyfile: '/state/ca/ca/ca-key.pem',
    });
    expect(config.db).toMatchObject({ type: 'sqlite3', datasource: '/state/ca/fabric-ca-server.db' });
    expect(config.operations).toMatchObject({ listenAddress: '127.0.0.1:0' });
    const [registrar] = (config.registry?.identities ?? []) as Array<Record<string, unknown>>;
    expect(registrar).toMatchObject({
      name: 'registrar',
      pass: 's3cret',
      type: REGISTRAR_TYPE,
      affiliation: '',
    });
    expect((NODE_OUS as readonly string[]).includes(REGISTRAR_TYPE)).toBe(false);
    expect(registrar?.attrs).toMatchObject({
      'hf.Revoker': true,
      'hf.GenCRL': true,
      'hf.Registrar.Roles': '*',
    });
  });
});

describe('startFabricCa', () => {
  it('writes the home, supervises the server until /cainfo answers, and cleans the key copy on stop', async () => {
    const port = await freePort();
    const ca = await startFabricCa(host, { org: 'HospitalOrg', port });
    expect(ca.id).toBe('ca.hospital.test.local');
    expect(ca.process.status()).toMatchObject({ kind: 'ca', state: 'running', mspId: 'HospitalMSP' });
    expect(ca.homeDir).toBe(host.layout.nodeDir('ca.hospital.test.local'));
    expect((await stat(ca.homeDir)).mode & 0o777).toBe(0o700);

    const info = await ca.client.caInfo();
    expect(info.caChainPem).toBe(material.caCertPem);
    const tls = await readTlsDir(path.join(ca.homeDir, 'tls'));
    expect(tls.caCertPem).toBe(material.tlsCaCertPem);
    const keyFile = path.join(ca.homeDir, 'ca', 'ca-key.pem');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);

    // The registrar secret lives in the keystore; the config on disk no longer carries it.
    const secret = await keystore.get(registrarSecretName('hospital.test.local'));
    const config = await readFile(path.join(ca.homeDir, 'fabric-ca-server-config.yaml'), 'utf8');
    expect(config).not.toContain(secret);
    expect((await stat(path.join(ca.homeDir, 'fabric-ca-server-config.yaml'))).mode & 0o777).toBe(0o600);

    // Idempotent: a second start returns the same running process.
    const again = await startFabricCa(host, { org: 'HospitalMSP', port });
    expect(again.process).toBe(ca.process);

    await ca.stop();
    expect(ca.process.status().state).toBe('stopped');
    await expect(stat(keyFile)).rejects.toThrow(/ENOENT/);
    // The same secret is reused on the next start (the CA's registry already holds it).
    await startFabricCa(host, { org: 'HospitalMSP', port });
    expect(await keystore.get(registrarSecretName('hospital.test.local'))).toBe(secret);
  });

  it('says clearly what is wrong: unknown org, bad port, port in use, missing binary', async () => {
    await expect(startFabricCa(host, { org: 'NobodyMSP', port: 7054 })).rejects.toThrow(
      /no organisation "NobodyMSP".*HospitalMSP/,
    );
    await expect(startFabricCa(host, { org: 'HospitalMSP', port: 0 })).rejects.toThrow(FabricCaStartError);
    const emptyBin = await dirs.make('ca-nobin');
    await expect(startFabricCa(host, { org: 'HospitalMSP', port: 7054, binDir: emptyBin })).rejects.toThrow(
      /fabric-ca-server is missing/,
    );
    const port = await freePort();
    const blocker = (await import('node:net')).createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startFabricCa(host, { org: 'HospitalMSP', port })).rejects.toThrow(
        new RegExp(`port ${port}.*fabric-ca listener`),
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});

describe('writeEnrollmentMsp', () => {
  it('writes an enrolled identity as a valid local MSP under users/<name>@<domain>/msp', async () => {
    const ca = {
      commonName: 'ca',
      certPem: material.caCertPem,
      keyPem: await keystore.get('hospital.test.local/ca'),
    };
    const issued = await issueCertificate(ca, {
      kind: 'identity',
      commonName: 'doctor7',
      organization: 'hospital.test.local',
      nodeOu: 'client',
      attributes: { role: 'doctor' },
    });
    const enrollment: Enrollment = {
      mspId: 'HospitalMSP',
      enrollmentId: 'doctor7',
      certPem: issued.certPem,
      keyPem: issued.keyPem,
      caChainPem: material.caCertPem,
    };
    const dir = enrollmentMspDir(host, 'HospitalMSP', 'doctor7');
    expect(dir).toBe(
      path.join(host.layout.cryptoDir, 'hospital.test.local', 'users', 'doctor7@hospital.test.local', 'msp'),
    );
    await writeEnrollmentMsp(dir, enrollment, material.tlsCaCertPem);
    const msp = await readLocalMsp(dir);
    expect(msp).toMatchObject({
      nodeOu: 'client',
      caCertPem: material.caCertPem,
      signCertPem: issued.certPem,
    });
  });
});
