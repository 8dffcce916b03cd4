// fabric-ca-server v1.5 as a supervised node of the local runtime. It signs with the org's EXISTING
// identity CA (cert + key from the encrypted keystore), so identities it enrolls chain to the
// cacerts of the org's channel MSP and are accepted by the peers without any channel change.
// TLS uses a certificate from the org's TLS CA; it listens on 127.0.0.1 only; sqlite registry.
import { randomBytes } from 'node:crypto';
import https from 'node:https';
import { chmod, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import {
  PUBLIC_FILE_MODE,
  SECRET_DIR_MODE,
  SECRET_FILE_MODE,
  pathExists,
  writeFileAtomically,
} from '../pki/atomic-fs';
import type { EncryptedKeystore } from '../pki/keystore';
import { MspError, readTlsDir, writeLocalMsp, writeTlsDir } from '../pki/msp';
import { caKeyName, orgLayout, tlsCaKeyName, type OrgMaterial } from '../pki/org-material';
import { issueCertificate } from '../pki/x509';
import type { FabricInstallation } from '../runtime/fabric-installer';
import type { ManagedProcess, ProcessSpec } from '../runtime/managed-process';
import { assertPortsFree } from '../runtime/probes';
import type { OrgTopology } from '../runtime/profile';
import type { StateLayout } from '../runtime/state-layout';
import { FabricCaClient, type Enrollment } from './fabric-ca-client';

/** What startFabricCa needs from the runtime (NetworkRuntime satisfies it). */
export interface FabricCaHost {
  readonly topology: { readonly orgs: readonly OrgTopology[] };
  readonly layout: StateLayout;
  readonly fabric: FabricInstallation;
  keystore(): Promise<EncryptedKeystore>;
  orgMaterial(mspId: string): OrgMaterial;
  registerProcess(spec: Omit<ProcessSpec, 'logDir' | 'runDir'>): ManagedProcess;
  process(id: string): ManagedProcess | undefined;
  unregisterProcess(id: string): void;
}

export interface StartFabricCaOptions {
  /** The org's MSP ID or name (e.g. HospitalMSP or HospitalOrg). */
  org: string;
  /** TLS listen port on 127.0.0.1. */
  port: number;
  /** Home of the server (config, sqlite db, TLS material); default <state>/nodes/ca.<domain>. */
  stateDir?: string;
  /** Operations endpoint port; default 0 (an ephemeral port: fabric-ca always starts one). */
  operationsPort?: number;
  /** Validity of enrollment certificates, a Go duration (default 8760h). */
  enrollmentExpiry?: string;
  /** Validity of generated CRLs, a Go duration (default 720h). */
  crlExpiry?: string;
  /** Directory holding fabric-ca-server (default the runtime's Fabric bin dir). */
  binDir?: string;
}

export const REGISTRAR_ID = 'registrar';
/**
 * The registrar's fabric-ca type. Deliberately not a Fabric node OU: its certificate, although
 * signed by the org CA, is not a valid channel identity, so the CA's bootstrap secret cannot be
 * used to transact.
 */
export const REGISTRAR_TYPE = 'ca-registrar';
const CONFIG_FILE = 'fabric-ca-server-config.yaml';
const TLS_RENEW_BEFORE_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export const fabricCaNodeId = (domain: string): string => `ca.${domain}`;
export const registrarSecretName = (domain: string): string => `${domain}/fabric-ca/${REGISTRAR_ID}`;

export class FabricCaStartError extends Error {
  override name = 'FabricCaStartError';
}

/** Resolves when GET https://127.0.0.1:<port>/api/v1/cainfo answers success over TLS verified by `caPem`. */
export function probeCaInfo(port: number, caPem: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = https.get(
      {
        host: '127.0.0.1',
        port,
        path: '/api/v1/cainfo',
        ca: caPem,
        servername: 'localhost',
        timeout: 2_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => reject(new Error(`fabric-ca 127.0.0.1:${port}: ${error.message}`)));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode === 200 && text.includes('"success":true')) resolve();
          else reject(new Error(`fabric-ca /cainfo on 127.0.0.1:${port} answered ${response.statusCode}`));
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error('no answer within 2 s')));
    request.on('error', (error) => reject(new Error(`fabric-ca 127.0.0.1:${port}: ${error.message}`)));
  });
}

function findOrg(host: FabricCaHost, org: string): OrgTopology {
  const found = host.topology.orgs.find((candidate) => candidate.mspId === org || candidate.name === org);
  if (!found) {
    const known = host.topology.orgs.map((candidate) => candidate.mspId).join(', ');
    throw new FabricCaStartError(`no organisation "${org}" in the network (known: ${known})`);
  }
  return found;
}

/** The fabric-ca-server configuration (fabric-ca-server-config.yaml) for one org CA. */
export function fabricCaServerConfig(opts: {
  caName: string;
  commonName: string;
  port: number;
  operationsPort: number;
  homeDir: string;
  registrarSecret: string;
  enrollmentExpiry: string;
  crlExpiry: string;
}): string {
  const file = (...parts: string[]) => path.join(opts.homeDir, ...parts);
  const config = {
    version: '1.5.21',
    port: opts.port,
    address: '127.0.0.1',
    cors: { enabled: false, origins: ['*'] },
    debug: false,
    crlsizelimit: 512000,
    tls: {
      enabled: true,
      certfile: file('tls', 'server.crt'),
      keyfile: file('tls', 'server.key'),
      clientauth: { type: 'noclientcert', certfiles: [] },
    },
    ca: {
      name: opts.caName,
      keyfile: file('ca', 'ca-key.pem'),
      certfile: file('ca', 'ca-cert.pem'),
      chainfile: file('ca', 'ca-chain.pem'),
      reenrollIgnoreCertExpiry: false,
    },
    crl: { expiry: opts.crlExpiry },
    registry: {
      // The registrar re-enrolls each time a console session starts (its key lives in memory only).
      maxenrollments: -1,
      identities: [
        {
          name: REGISTRAR_ID,
          pass: opts.registrarSecret,
          type: REGISTRAR_TYPE,
          affiliation: '',
          attrs: {
            'hf.Registrar.Roles': '*',
            'hf.Registrar.DelegateRoles': '*',
            'hf.Registrar.Attributes': '*',
            'hf.Revoker': true,
            'hf.GenCRL': true,
            'hf.IntermediateCA': false,
            'hf.AffiliationMgr': true,
          },
        },
      ],
    },
    db: { type: 'sqlite3', datasource: file('fabric-ca-server.db'), tls: { enabled: false } },
    ldap: { enabled: false },
    affiliations: {},
    signing: {
      default: { usage: ['digital signature'], expiry: opts.enrollmentExpiry },
      profiles: {
        tls: {
          usage: ['signing', 'key encipherment', 'server auth', 'client auth', 'key agreement'],
          expiry: opts.enrollmentExpiry,
        },
      },
    },
    csr: { cn: opts.commonName, keyrequest: { algo: 'ecdsa', size: 256 }, ca: { expiry: '131400h' } },
    idemix: { curve: 'amcl.Fp256bn' },
    bccsp: {
      default: 'SW',
      sw: { hash: 'SHA2', security: 256, filekeystore: { keystore: file('msp', 'keystore') } },
    },
    cacount: null,
    cafiles: null,
    operations: { listenAddress: `127.0.0.1:${opts.operationsPort}`, tls: { enabled: false } },
    metrics: { provider: 'disabled' },
  };
  return stringifyYaml(config);
}

/** The registrar's enrollment secret: created once, kept only in the encrypted keystore. */
async function registrarSecret(keystore: EncryptedKeystore, domain: string): Promise<string> {
  const name = registrarSecretName(domain);
  if (await keystore.has(name)) return keystore.get(name);
  const secret = randomBytes(24).toString('base64url');
  await keystore.putSecret(name, secret);
  return secret;
}

/** Issues (or keeps, while valid for 30+ days and from the current TLS CA) the server's TLS certificate. */
async function ensureServerTls(
  tlsDir: string,
  material: OrgMaterial,
  keystore: EncryptedKeystore,
  host: string,
): Promise<void> {
  if (await pathExists(tlsDir)) {
    try {
      const current = await readTlsDir(tlsDir, 'server', {
        now: new Date(Date.now() + TLS_RENEW_BEFORE_DAYS * DAY_MS),
      });
      if (current.caCertPem === material.tlsCaCertPem) return;
    } catch (error) {
      // Expiring within 30 days, broken or unreadable: a fresh one is issued below.
      if (!(error instanceof MspError)) throw error;
    }
  }
  const tlsCa = {
    commonName: `tlsca.${material.spec.domain}`,
    certPem: material.tlsCaCertPem,
    keyPem: await keystore.get(tlsCaKeyName(material.spec.domain)),
  };
  const issued = await issueCertificate(tlsCa, {
    kind: 'tls',
    commonName: host,
    organization: material.spec.domain,
  });
  await writeTlsDir(tlsDir, {
    caCertPem: material.tlsCaCertPem,
    certPem: issued.certPem,
    keyPem: issued.keyPem,
  });
}

/** Plaintext copies of the CA key that fabric-ca needs while it runs; removed when it is stopped. */
async function removeCaKeyCopies(homeDir: string): Promise<void> {
  await rm(path.join(homeDir, 'ca', 'ca-key.pem'), { force: true });
  const keystoreDir = path.join(homeDir, 'msp', 'keystore');
  if (!(await pathExists(keystoreDir))) return;
  // BCCSP imports the CA key as <ski>_sk; the Idemix issuer keys beside it are the CA's own and stay.
  for (const entry of await readdir(keystoreDir)) {
    if (entry.endsWith('_sk')) await rm(path.join(keystoreDir, entry), { force: true });
  }
}

/** A running org CA: its process, a REST client, and the registrar session for admin calls. */
export class FabricCa {
  private registrarSession: Promise<Enrollment> | undefined;

  constructor(
    readonly id: string,
    readonly mspId: string,
    readonly domain: string,
    readonly homeDir: string,
    readonly process: ManagedProcess,
    readonly client: FabricCaClient,
    /** The org TLS CA, which the server's TLS certificate chains to. */
    readonly tlsCaCertPem: string,
    private readonly host: FabricCaHost,
  ) {}

  get url(): string {
    return this.client.url;
  }

  /**
   * The registrar (bootstrap identity, hf.Registrar.*, hf.Revoker, hf.GenCRL), enrolled once per
   * session with the secret from the keystore; its key stays in memory.
   */
  registrar(): Promise<Enrollment> {
    this.registrarSession ??= (async () => {
      const secret = await (await this.host.keystore()).get(registrarSecretName(this.domain));
      return this.client.enroll({ enrollmentId: REGISTRAR_ID, secret });
    })();
    this.registrarSession.catch(() => {
      this.registrarSession = undefined;
    });
    return this.registrarSession;
  }

  /** Stops the server and removes the plaintext CA key copies it needed. */
  async stop(): Promise<void> {
    await this.process.stop();
    await removeCaKeyCopies(this.homeDir);
    this.registrarSession = undefined;
  }
}

/**
 * Writes the fabric-ca-server home (config, CA signing pair from the keystore, TLS certificate),
 * registers the server as a supervised process (kind 'ca', ready when /cainfo answers over TLS),
 * starts it and returns the running CA. Idempotent: an already running CA is returned as is.
 */
export async function startFabricCa(host: FabricCaHost, options: StartFabricCaOptions): Promise<FabricCa> {
  if (!Number.isInteger(options.port) || options.port <= 0 || options.port > 65_535) {
    throw new FabricCaStartError(`port must be an integer between 1 and 65535 (got ${options.port})`);
  }
  const org = findOrg(host, options.org);
  const material = host.orgMaterial(org.mspId);
  const domain = material.spec.domain;
  const id = fabricCaNodeId(domain);
  const homeDir = path.resolve(options.stateDir ?? host.layout.nodeDir(id));
  const binDir = options.binDir ?? host.fabric.binDir;
  const command = path.join(binDir, 'fabric-ca-server');
  if (!(await pathExists(command))) {
    throw new FabricCaStartError(
      `${command} is missing: install fabric-ca (npm run install:fabric builds it; the server needs cgo, i.e. gcc and libc6-dev)`,
    );
  }
  const keystore = await host.keystore();

  await mkdir(homeDir, { recursive: true, mode: SECRET_DIR_MODE });
  await chmod(homeDir, SECRET_DIR_MODE);
  await mkdir(path.join(homeDir, 'ca'), { recursive: true, mode: SECRET_DIR_MODE });
  // The org's identity CA signs the enrollments: certificate from the crypto dir, key from the keystore.
  const caCertPem = await readFile(orgLayout(host.layout.cryptoDir, domain).caCertFile, 'utf8');
  if (caCertPem !== material.caCertPem) {
    throw new FabricCaStartError(
      `the CA certificate of ${org.mspId} on disk differs from the loaded material`,
    );
  }
  await writeFileAtomically(path.join(homeDir, 'ca', 'ca-cert.pem'), caCertPem, PUBLIC_FILE_MODE);
  await writeFileAtomically(path.join(homeDir, 'ca', 'ca-chain.pem'), caCertPem, PUBLIC_FILE_MODE);
  await writeFileAtomically(
    path.join(homeDir, 'ca', 'ca-key.pem'),
    await keystore.get(caKeyName(domain)),
    SECRET_FILE_MODE,
  );
  await ensureServerTls(path.join(homeDir, 'tls'), material, keystore, id);
  const writeConfig = (secret: string) =>
    writeFileAtomically(
      path.join(homeDir, CONFIG_FILE),
      fabricCaServerConfig({
        caName: id,
        commonName: `ca.${domain}`,
        port: options.port,
        operationsPort: options.operationsPort ?? 0,
        homeDir,
        registrarSecret: secret,
        enrollmentExpiry: options.enrollmentExpiry ?? '8760h',
        crlExpiry: options.crlExpiry ?? '720h',
      }),
      SECRET_FILE_MODE,
    );
  await writeConfig(await registrarSecret(keystore, domain));

  const previous = host.process(id);
  const previousState = previous?.status().state;
  if (previous && previousState !== 'stopped' && previousState !== 'crashed') {
    if (previous.spec.ports.listen !== options.port) {
      throw new FabricCaStartError(
        `${id} is already running on port ${previous.spec.ports.listen}; stop it before starting it on ${options.port}`,
      );
    }
  } else if (previous) {
    // Stopped: registered afresh, so a new port or binary takes effect.
    host.unregisterProcess(id);
  }
  const managed = host.registerProcess({
    id,
    kind: 'ca',
    org: org.name,
    mspId: org.mspId,
    command,
    args: ['start', '--home', homeDir],
    env: { FABRIC_CA_SERVER_HOME: homeDir },
    cwd: homeDir,
    ports: {
      listen: options.port,
      ...(options.operationsPort ? { operations: options.operationsPort } : {}),
    },
    probe: () => probeCaInfo(options.port, material.tlsCaCertPem),
  });
  if (managed.status().state !== 'running') {
    await assertPortsFree(id, [
      [options.port, 'fabric-ca listener'],
      [options.operationsPort || undefined, 'fabric-ca operations endpoint'],
    ]);
  }
  try {
    await managed.start();
  } catch (error) {
    // Never leave the plaintext CA key behind a server that did not come up.
    await managed.stop();
    await removeCaKeyCopies(homeDir);
    throw error;
  }
  // The registrar is in the sqlite registry now (fabric-ca only inserts configured identities that
  // are missing), so the secret need not stay on disk: the keystore remains its only copy.
  await writeConfig(randomBytes(24).toString('base64url'));
  const client = new FabricCaClient({
    url: `https://127.0.0.1:${options.port}`,
    tlsCaCertPem: material.tlsCaCertPem,
    mspId: org.mspId,
  });
  return new FabricCa(id, org.mspId, domain, homeDir, managed, client, material.tlsCaCertPem, host);
}

/** users/<name>@<domain>/msp under the runtime's crypto dir (beside the console-issued users). */
export function enrollmentMspDir(
  host: Pick<FabricCaHost, 'layout' | 'orgMaterial'>,
  mspId: string,
  name: string,
): string {
  const domain = host.orgMaterial(mspId).spec.domain;
  return path.join(orgLayout(host.layout.cryptoDir, domain).userDir(name), 'msp');
}

/** Writes an enrolled identity as a local MSP (cacerts from the CA chain, NodeOUs config, key). */
export async function writeEnrollmentMsp(
  dir: string,
  enrollment: Enrollment,
  tlsCaCertPem: string,
): Promise<void> {
  const [caCertPem] =
    enrollment.caChainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
  if (!caCertPem) throw new Error('the enrollment carries no CA certificate');
  await writeLocalMsp(dir, {
    caCertPem: caCertPem.endsWith('\n') ? caCertPem : `${caCertPem}\n`,
    tlsCaCertPem,
    signCertPem: enrollment.certPem,
    keyPem: enrollment.keyPem,
  });
}
