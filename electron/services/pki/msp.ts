import { createPrivateKey, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import {
  PUBLIC_FILE_MODE,
  SECRET_DIR_MODE,
  SECRET_FILE_MODE,
  writeDirectoryAtomically,
  type FileToWrite,
} from './atomic-fs';
import { keyMatchesCertificate, NODE_OUS, nodeOusOf, type NodeOu } from './x509';

/** A local MSP, verifying MSP or TLS folder is missing, unreadable or inconsistent. */
export class MspError extends Error {
  override name = 'MspError';
}

export interface LocalMspInput {
  caCertPem: string;
  tlsCaCertPem: string;
  signCertPem: string;
  keyPem: string;
}

export interface ChannelMspInput {
  caCertPem: string;
  tlsCaCertPem: string;
}

export interface TlsDirInput {
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

export interface LocalMsp {
  dir: string;
  mspId?: string;
  caCertPem: string;
  tlsCaCertPem: string;
  signCertPem: string;
  keyPem: string;
  nodeOu: NodeOu;
}

export interface TlsDir {
  dir: string;
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

export interface ReadOptions {
  /** Copied into the result; an MSP folder does not record its MSP ID. */
  mspId?: string;
  /** Clock for the validity checks (tests). */
  now?: Date;
}

/** Fixed file names, so the NodeOUs config.yaml can point at cacerts/ca.pem. */
export const MSP_FILES = {
  caCert: 'cacerts/ca.pem',
  tlsCaCert: 'tlscacerts/tlsca.pem',
  signCert: 'signcerts/cert.pem',
  key: 'keystore/key.pem',
  config: 'config.yaml',
} as const;

const OU_IDENTIFIER_KEYS: Record<NodeOu, string> = {
  client: 'ClientOUIdentifier',
  peer: 'PeerOUIdentifier',
  admin: 'AdminOUIdentifier',
  orderer: 'OrdererOUIdentifier',
};

const REGENERATE_HINT =
  'Delete the folder and let the console generate the crypto material again, or restore it from a backup.';

/** NodeOUs config.yaml: the one node OU in each identity decides whether it is client, peer, admin or orderer. */
export function nodeOusConfigYaml(): string {
  const identifiers = Object.fromEntries(
    NODE_OUS.map((ou) => [
      OU_IDENTIFIER_KEYS[ou],
      { Certificate: MSP_FILES.caCert, OrganizationalUnitIdentifier: ou },
    ]),
  );
  return stringifyYaml({ NodeOUs: { Enable: true, ...identifiers } });
}

function parseCertificateOrThrow(pem: string, where: string): NodeX509Certificate {
  try {
    return new NodeX509Certificate(pem);
  } catch (error) {
    throw new MspError(`${where} is not a PEM certificate (${(error as Error).message}).`);
  }
}

function checkKeyPair(certPem: string, keyPem: string, where: string): void {
  try {
    createPrivateKey(keyPem);
  } catch (error) {
    throw new MspError(`${where}: the private key is not a readable PEM key (${(error as Error).message}).`);
  }
  if (!keyMatchesCertificate(certPem, keyPem)) {
    throw new MspError(`${where}: the private key does not belong to the certificate.`);
  }
}

function checkIssuedBy(cert: NodeX509Certificate, ca: NodeX509Certificate): boolean {
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

export async function writeLocalMsp(dir: string, m: LocalMspInput): Promise<void> {
  const where = `Refusing to write MSP ${dir}`;
  const ca = parseCertificateOrThrow(m.caCertPem, `${where}: CA certificate`);
  parseCertificateOrThrow(m.tlsCaCertPem, `${where}: TLS CA certificate`);
  const signCert = parseCertificateOrThrow(m.signCertPem, `${where}: signing certificate`);
  checkKeyPair(m.signCertPem, m.keyPem, where);
  if (!checkIssuedBy(signCert, ca))
    throw new MspError(`${where}: the signing certificate was not issued by the CA.`);
  const files: FileToWrite[] = [
    { path: MSP_FILES.caCert, content: m.caCertPem, mode: PUBLIC_FILE_MODE },
    { path: MSP_FILES.tlsCaCert, content: m.tlsCaCertPem, mode: PUBLIC_FILE_MODE },
    { path: MSP_FILES.signCert, content: m.signCertPem, mode: PUBLIC_FILE_MODE },
    { path: MSP_FILES.key, content: m.keyPem, mode: SECRET_FILE_MODE },
    { path: MSP_FILES.config, content: nodeOusConfigYaml(), mode: PUBLIC_FILE_MODE },
  ];
  await writeDirectoryAtomically(dir, files, { keystore: SECRET_DIR_MODE });
}

export async function writeChannelMsp(dir: string, m: ChannelMspInput): Promise<void> {
  const where = `Refusing to write channel MSP ${dir}`;
  parseCertificateOrThrow(m.caCertPem, `${where}: CA certificate`);
  parseCertificateOrThrow(m.tlsCaCertPem, `${where}: TLS CA certificate`);
  await writeDirectoryAtomically(dir, [
    { path: MSP_FILES.caCert, content: m.caCertPem, mode: PUBLIC_FILE_MODE },
    { path: MSP_FILES.tlsCaCert, content: m.tlsCaCertPem, mode: PUBLIC_FILE_MODE },
    { path: MSP_FILES.config, content: nodeOusConfigYaml(), mode: PUBLIC_FILE_MODE },
  ]);
}

/** TLS folder as Fabric samples lay it out: ca.crt plus server.crt/server.key (or client.* for users). */
export async function writeTlsDir(
  dir: string,
  m: TlsDirInput,
  fileStem: 'server' | 'client' = 'server',
): Promise<void> {
  const where = `Refusing to write TLS folder ${dir}`;
  const ca = parseCertificateOrThrow(m.caCertPem, `${where}: TLS CA certificate`);
  const cert = parseCertificateOrThrow(m.certPem, `${where}: TLS certificate`);
  checkKeyPair(m.certPem, m.keyPem, where);
  if (!checkIssuedBy(cert, ca))
    throw new MspError(`${where}: the TLS certificate was not issued by the TLS CA.`);
  await writeDirectoryAtomically(dir, [
    { path: 'ca.crt', content: m.caCertPem, mode: PUBLIC_FILE_MODE },
    { path: `${fileStem}.crt`, content: m.certPem, mode: PUBLIC_FILE_MODE },
    { path: `${fileStem}.key`, content: m.keyPem, mode: SECRET_FILE_MODE },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Reading and validating

class MspReader {
  constructor(
    readonly dir: string,
    readonly kindLabel: string,
  ) {}

  fail(file: string | undefined, problem: string, remedy = REGENERATE_HINT): never {
    // The folder once, then the file inside it: "Invalid MSP /x/msp: keystore/key.pem: is not …".
    const location = file === undefined ? '' : `${file}: `;
    throw new MspError(`Invalid ${this.kindLabel} ${this.dir}: ${location}${problem}. ${remedy}`);
  }

  async requireDirectory(): Promise<void> {
    let info;
    try {
      info = await stat(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new MspError(
          `${this.kindLabel} folder ${this.dir} does not exist. Generate the organisation's crypto material first, or check the path.`,
        );
      }
      throw new MspError(`${this.kindLabel} folder ${this.dir} cannot be read: ${(error as Error).message}.`);
    }
    if (!info.isDirectory()) this.fail(undefined, 'is not a folder');
  }

  async readText(file: string): Promise<string> {
    try {
      return await readFile(join(this.dir, file), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') this.fail(file, 'file is missing');
      if (code === 'EACCES')
        this.fail(file, 'file is not readable by this user', 'Fix its owner or permissions.');
      this.fail(file, `cannot be read (${(error as Error).message})`);
    }
  }

  /** Files of an MSP sub-folder in name order (Fabric uses the first signcert). */
  async listFolder(folder: string): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(join(this.dir, folder), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') this.fail(`${folder}/`, 'folder is missing');
      this.fail(`${folder}/`, `cannot be read (${(error as Error).message})`);
    }
    const files = entries
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
      .map((entry) => `${folder}/${entry.name}`)
      .sort();
    if (files.length === 0) this.fail(`${folder}/`, 'folder is empty');
    return files;
  }

  async readCertificate(file: string): Promise<{ pem: string; cert: NodeX509Certificate }> {
    const pem = await this.readText(file);
    try {
      return { pem, cert: new NodeX509Certificate(pem) };
    } catch (error) {
      this.fail(file, `is not a PEM certificate (${(error as Error).message})`);
    }
  }

  async readPrivateKey(file: string): Promise<string> {
    const pem = await this.readText(file);
    let key;
    try {
      key = createPrivateKey(pem);
    } catch (error) {
      this.fail(file, `is not a PEM private key (${(error as Error).message})`);
    }
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      this.fail(file, 'is not an ECDSA P-256 key (Fabric accepts only ECDSA identities here)');
    }
    return pem;
  }

  checkValidity(file: string, cert: NodeX509Certificate, now: Date): void {
    const notBefore = new Date(cert.validFrom);
    const notAfter = new Date(cert.validTo);
    if (now < notBefore) {
      this.fail(
        file,
        `certificate is not valid before ${notBefore.toISOString()}`,
        'Check the system clock.',
      );
    }
    if (now > notAfter) {
      this.fail(
        file,
        `certificate expired on ${notAfter.toISOString()}`,
        'Reissue it: delete the folder and let the console generate it again.',
      );
    }
  }
}

async function readCaFolder(
  reader: MspReader,
  folder: string,
  now: Date,
): Promise<Array<{ file: string; pem: string; cert: NodeX509Certificate }>> {
  const cas = [];
  for (const file of await reader.listFolder(folder)) {
    const { pem, cert } = await reader.readCertificate(file);
    if (!cert.ca) reader.fail(file, 'is not a CA certificate (CA:TRUE missing)');
    reader.checkValidity(file, cert, now);
    cas.push({ file, pem, cert });
  }
  return cas;
}

async function checkNodeOusConfig(reader: MspReader): Promise<void> {
  const text = await reader.readText(MSP_FILES.config);
  let config: unknown;
  try {
    config = parseYaml(text);
  } catch (error) {
    reader.fail(MSP_FILES.config, `is not valid YAML (${(error as Error).message})`);
  }
  const nodeOus = (config as { NodeOUs?: Record<string, unknown> } | null)?.NodeOUs;
  if (nodeOus?.Enable !== true)
    reader.fail(MSP_FILES.config, 'does not enable NodeOUs (NodeOUs.Enable: true)');
  const certificates = new Set<string>();
  for (const ou of NODE_OUS) {
    const identifier = nodeOus[OU_IDENTIFIER_KEYS[ou]] as { Certificate?: unknown } | undefined;
    if (typeof identifier?.Certificate !== 'string') {
      reader.fail(MSP_FILES.config, `has no ${OU_IDENTIFIER_KEYS[ou]}.Certificate`);
    }
    certificates.add(identifier.Certificate);
  }
  // The four node OUs usually name the same CA certificate: read each file once.
  for (const file of certificates) await reader.readCertificate(file);
}

/**
 * Reads a local MSP and checks what Fabric would otherwise reject at start-up with a terse error:
 * readable PEMs, sign cert issued by cacerts, matching key, exactly one node OU, dates, NodeOUs config.
 */
export async function readLocalMsp(dir: string, opts: ReadOptions = {}): Promise<LocalMsp> {
  const now = opts.now ?? new Date();
  const reader: MspReader = new MspReader(dir, 'MSP');
  await reader.requireDirectory();

  const cas = await readCaFolder(reader, 'cacerts', now);
  const tlsCas = await readCaFolder(reader, 'tlscacerts', now);
  const signCertFile = (await reader.listFolder('signcerts'))[0] ?? MSP_FILES.signCert;
  const signCert = await reader.readCertificate(signCertFile);
  reader.checkValidity(signCertFile, signCert.cert, now);

  const issuer = cas.find((ca) => checkIssuedBy(signCert.cert, ca.cert));
  if (!issuer) {
    reader.fail(
      signCertFile,
      `certificate (issuer "${signCert.cert.issuer.replace(/\n/g, ', ')}") was not issued by any CA in cacerts/`,
      'The signing certificate and cacerts/ belong to different organisations; regenerate the MSP or copy the right CA certificate.',
    );
  }

  const nodeOus = nodeOusOf(signCert.pem);
  if (nodeOus.length !== 1) {
    reader.fail(
      signCertFile,
      nodeOus.length === 0
        ? `certificate has no node OU (needs exactly one of ${NODE_OUS.join(', ')})`
        : `certificate has ${nodeOus.length} node OUs (${nodeOus.join(', ')}); Fabric needs exactly one`,
      'Reissue the certificate with a single node OU.',
    );
  }
  const nodeOu = nodeOus[0] as NodeOu;

  let keyPem: string | undefined;
  for (const file of await reader.listFolder('keystore')) {
    const candidate = await reader.readPrivateKey(file);
    if (keyMatchesCertificate(signCert.pem, candidate)) {
      keyPem = candidate;
      break;
    }
  }
  if (keyPem === undefined) {
    reader.fail(
      'keystore/',
      `no private key matches ${signCertFile} (the key belongs to another certificate)`,
      'Put the key that was generated with this certificate into keystore/, or regenerate the MSP.',
    );
  }

  await checkNodeOusConfig(reader);

  const msp: LocalMsp = {
    dir,
    caCertPem: issuer.pem,
    tlsCaCertPem: (tlsCas[0] as { pem: string }).pem,
    signCertPem: signCert.pem,
    keyPem,
    nodeOu,
  };
  if (opts.mspId !== undefined) msp.mspId = opts.mspId;
  return msp;
}

/** Reads a verifying (channel) MSP: cacerts, tlscacerts and the NodeOUs config, no keys. */
export async function readChannelMsp(
  dir: string,
  opts: Omit<ReadOptions, 'mspId'> = {},
): Promise<ChannelMspInput> {
  const now = opts.now ?? new Date();
  const reader: MspReader = new MspReader(dir, 'channel MSP');
  await reader.requireDirectory();
  const cas = await readCaFolder(reader, 'cacerts', now);
  const tlsCas = await readCaFolder(reader, 'tlscacerts', now);
  await checkNodeOusConfig(reader);
  return { caCertPem: (cas[0] as { pem: string }).pem, tlsCaCertPem: (tlsCas[0] as { pem: string }).pem };
}

/** Reads and validates a TLS folder written by writeTlsDir (chain, key, dates). */
export async function readTlsDir(
  dir: string,
  fileStem: 'server' | 'client' = 'server',
  opts: Omit<ReadOptions, 'mspId'> = {},
): Promise<TlsDir> {
  const now = opts.now ?? new Date();
  const reader: MspReader = new MspReader(dir, 'TLS folder');
  await reader.requireDirectory();
  const ca = await reader.readCertificate('ca.crt');
  if (!ca.cert.ca) reader.fail('ca.crt', 'is not a CA certificate (CA:TRUE missing)');
  reader.checkValidity('ca.crt', ca.cert, now);
  const certFile = `${fileStem}.crt`;
  const keyFile = `${fileStem}.key`;
  const cert = await reader.readCertificate(certFile);
  reader.checkValidity(certFile, cert.cert, now);
  if (!checkIssuedBy(cert.cert, ca.cert)) reader.fail(certFile, 'was not issued by the TLS CA in ca.crt');
  const keyPem = await reader.readPrivateKey(keyFile);
  if (!keyMatchesCertificate(cert.pem, keyPem)) reader.fail(keyFile, `does not belong to ${certFile}`);
  return { dir, caCertPem: ca.pem, certPem: cert.pem, keyPem };
}
