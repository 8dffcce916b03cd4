// The Certificates page's services: the expiry radar (this console's crypto dir plus every
// certificate the channel config carries), renewal of the acting org's nodes with a restart and no
// ledger loss, and the acting org's Fabric CA (register, enroll, re-enroll, revoke, publish its CRL
// as a channel update bundle the Channel updates page signs and submits).
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeCrl, normaliseSerial } from '../ca/ca-crypto';
import { FabricCaError, type Enrollment, type FabricCaClient } from '../ca/fabric-ca-client';
import { writeEnrollmentMsp } from '../ca/fabric-ca-server';
import { pathExists, PUBLIC_FILE_MODE, writeFileAtomically } from '../pki/atomic-fs';
import {
  certificateInventory,
  certificateStatus,
  channelMspCertificates,
  type ExtraCertificate,
  type InventoryEntry,
} from '../pki/cert-inventory';
import { RenewalError, renewNodeCertificates } from '../pki/cert-renewal';
import { describeCertificate, MSP_FILES, orgLayout, readLocalMsp } from '../pki';
import { decodeChannelConfig as decodeChannelModel } from '../channel/config-model';
import type { ConfigBlockInfo } from '../channel/config-tree';
import type { FabricMspDefinition } from '../channel/config-values';
import type { NodeTopology, OrgTopology } from '../runtime/profile';
import type { NodeState } from '../runtime/types';
import { summarizeCertificate } from './certificates';
import type {
  CaEnrolledIdentity,
  CaEnrollRequest,
  CaReenrollResult,
  CaRegisterRequest,
  CaRegistration,
  CaRevokeRequest,
  CaRevokeResult,
  CertificateBrief,
  CertificateInventoryView,
  CertificateOrigin,
  CertificateProblem,
  CertificateRow,
  CertificateStatus,
  CrlPublication,
  FabricCaStatus,
  LocalNodeCertificates,
  NodeRenewalResult,
  RenewNodeRequest,
} from './certificate-types';
import type { ConsoleRuntime } from './console-services';
import { ConsoleError } from './errors';
import { readIdentity } from './identities';
import type { BundleFile, IdentitySummary, ProposeUpdateRequest } from './types';

/** The org's running Fabric CA as the runtime started it (FabricCa satisfies it). */
export interface FabricCaHandle {
  readonly id: string;
  readonly url: string;
  readonly client: Pick<
    FabricCaClient,
    'caInfo' | 'register' | 'enroll' | 'reenroll' | 'revoke' | 'generateCrl'
  >;
  /** The CA's bootstrap registrar (register, revoke, gencrl); its key stays in the services. */
  registrar(): Promise<Enrollment>;
}

/** What the certificate services need from ConsoleServices: the runtime and the acting org's admin work. */
export interface CertificateServicesHost {
  readonly runtime: ConsoleRuntime;
  actingOrg(): OrgTopology;
  readConfigBlock(): Promise<ConfigBlockInfo>;
  proposeChannelUpdate(request: ProposeUpdateRequest): Promise<BundleFile>;
}

/**
 * Written beside msp/ when the Fabric CA enrolled the identity: console-issued certificates carry
 * the same hf.* attributes and chain to the same CA, so only this record tells them apart.
 */
const CA_ENROLLMENT_RECORD = 'fabric-ca-enrollment.json';
const DAY_MS = 24 * 60 * 60 * 1000;

/** Where a certificate was found, in words, and the org it belongs to. */
interface Placement {
  origin: CertificateOrigin;
  holder: string;
  mspId?: string;
}

function brief(
  entry: Pick<InventoryEntry, 'serialNumber' | 'notAfter' | 'daysLeft' | 'status'>,
): CertificateBrief {
  return {
    serialNumber: entry.serialNumber,
    notAfter: entry.notAfter,
    daysLeft: entry.daysLeft,
    status: entry.status,
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Extras from the channel config: every org's MSP certificates and the Raft consenters' TLS certificates. */
function channelCertificates(info: ConfigBlockInfo, placements: Map<string, Placement>): ExtraCertificate[] {
  const model = decodeChannelModel(info.config);
  const msps = new Map<string, FabricMspDefinition>();
  for (const org of [
    ...Object.values(model.orderer?.orgs ?? {}),
    ...Object.values(model.application?.orgs ?? {}),
  ]) {
    if (org.msp?.type === 'fabric') msps.set(org.msp.name, org.msp);
  }
  const extras = channelMspCertificates(info.channelId, msps);
  for (const extra of extras) {
    const mspId = extra.source.slice(`channel:${info.channelId}/`.length).split('/')[0] ?? '';
    const holder = extra.role === 'admin' ? `${mspId} admin` : `${mspId} MSP`;
    placements.set(extra.source, { origin: 'channel', holder, mspId });
  }
  for (const consenter of model.orderer?.consensus?.raft?.consenters ?? []) {
    const endpoint = `${consenter.host}:${consenter.port}`;
    const certificates = [
      ['server_tls_cert', consenter.serverTlsCert, 'tls-server'],
      ['client_tls_cert', consenter.clientTlsCert, 'tls-client'],
    ] as const;
    for (const [field, pem, role] of certificates) {
      if (pem.trim() === '') continue;
      const source = `channel:${info.channelId}/consenters/${endpoint}/${field}`;
      extras.push({ source, pem, role });
      placements.set(source, { origin: 'channel', holder: `consenter ${endpoint}` });
    }
  }
  return extras;
}

/** Who holds a file under the crypto dir: `<domain>/nodes/<host>/…`, `<domain>/users/<name>@<domain>/…`, or the org's CAs. */
function localPlacement(source: string, orgsByDomain: ReadonlyMap<string, OrgTopology>): Placement {
  const [domain = '', folder, holder] = source.slice('crypto:'.length).split(path.sep);
  const org = orgsByDomain.get(domain);
  const placement: Placement = { origin: 'local', holder: `${org?.name ?? domain} CAs and MSP` };
  if (org) placement.mspId = org.mspId;
  if ((folder === 'nodes' || folder === 'users') && holder !== undefined) {
    placement.holder = folder === 'users' ? holder.replace(`@${domain}`, '') : holder;
  }
  return placement;
}

/** One row per distinct certificate and origin, with every place it was found. */
function rowsOf(
  entries: readonly InventoryEntry[],
  placementOf: (source: string) => Placement,
): CertificateRow[] {
  const rows = new Map<string, CertificateRow>();
  for (const entry of entries) {
    const placement = placementOf(entry.source);
    const key = `${placement.origin}:${entry.fingerprintSha256}`;
    const existing = rows.get(key);
    if (existing) {
      existing.sources.push(entry.source);
      continue;
    }
    const row: CertificateRow = {
      origin: placement.origin,
      holder: placement.holder,
      role: entry.role,
      subject: entry.subject,
      issuer: entry.issuer,
      serialNumber: entry.serialNumber,
      notBefore: entry.notBefore,
      notAfter: entry.notAfter,
      daysLeft: entry.daysLeft,
      status: entry.status,
      isCa: entry.isCa,
      fingerprintSha256: entry.fingerprintSha256,
      sources: [entry.source],
    };
    if (placement.mspId !== undefined) row.mspId = placement.mspId;
    rows.set(key, row);
  }
  return [...rows.values()];
}

export class CertificateServices {
  /** One renewal at a time: each restarts a node. */
  private renewing: string | undefined;

  constructor(private readonly host: CertificateServicesHost) {}

  private get runtime(): ConsoleRuntime {
    return this.host.runtime;
  }

  private nodeState(node: NodeTopology): NodeState | 'not-started' {
    return this.runtime.process(node.id)?.status().state ?? 'not-started';
  }

  private renewRefusal(node: NodeTopology, acting: OrgTopology): string | undefined {
    if (node.org.mspId === acting.mspId) return undefined;
    return `${node.id} belongs to ${node.org.mspId}; the console acts as ${acting.mspId} and renews its own nodes only`;
  }

  // ---- expiry radar ----------------------------------------------------------------------------

  async inventory(): Promise<CertificateInventoryView> {
    const channel: CertificateInventoryView['channel'] = { name: this.runtime.channel };
    const problems: CertificateProblem[] = [];
    const placements = new Map<string, Placement>();
    let extra: ExtraCertificate[] = [];
    try {
      const info = await this.host.readConfigBlock();
      extra = channelCertificates(info, placements);
      channel.blockNumber = info.blockNumber;
    } catch (error) {
      problems.push({
        source: `channel:${this.runtime.channel}`,
        message: `the channel configuration could not be read, so only local certificates are shown: ${errorMessage(error)}`,
      });
    }
    const inventory = await certificateInventory(this.runtime.layout.cryptoDir, { extra });
    problems.push(...inventory.problems);

    const topology = this.runtime.topology;
    const orgsByDomain = new Map(topology.orgs.map((org) => [org.domain, org]));
    const placementOf = (source: string): Placement =>
      placements.get(source.replace(/#\d+$/, '')) ?? localPlacement(source, orgsByDomain);
    const rows = rowsOf(inventory.entries, placementOf);
    const summary: Record<CertificateStatus, number> = { ok: 0, warn: 0, critical: 0, expired: 0 };
    const counted = new Set<string>();
    for (const row of rows) {
      if (counted.has(row.fingerprintSha256)) continue;
      counted.add(row.fingerprintSha256);
      summary[row.status] += 1;
    }

    const acting = this.host.actingOrg();
    const nodeFile = (node: NodeTopology, file: string) =>
      `crypto:${path.join(node.org.domain, 'nodes', node.host, file)}`;
    const nodes = topology.nodes
      .filter((node) => !node.external)
      .map((node): LocalNodeCertificates => {
        const tls = inventory.entries.find((entry) => entry.source === nodeFile(node, 'tls/server.crt'));
        const enrollment = inventory.entries.find(
          (entry) => entry.source === nodeFile(node, `msp/${MSP_FILES.signCert}`),
        );
        const view: LocalNodeCertificates = {
          nodeId: node.id,
          kind: node.kind,
          mspId: node.org.mspId,
          state: this.nodeState(node),
        };
        if (tls) view.tls = brief(tls);
        if (enrollment) view.enrollment = brief(enrollment);
        const refusal = this.renewRefusal(node, acting);
        if (refusal) view.renewRefusal = refusal;
        return view;
      });
    return {
      generatedAt: inventory.generatedAt,
      thresholds: inventory.thresholds,
      summary,
      rows,
      problems,
      channel,
      nodes,
    };
  }

  // ---- renewal of a local node -----------------------------------------------------------------

  private async ledgerHeight(node: NodeTopology): Promise<number | undefined> {
    if (node.kind !== 'peer' || this.nodeState(node) !== 'running') return undefined;
    const status = await this.runtime.status();
    return status.heights.find((entry) => entry.peerId === node.id)?.height;
  }

  async renewNode(request: RenewNodeRequest): Promise<NodeRenewalResult> {
    const node = this.runtime.topology.nodes.find((each) => each.id === request.nodeId);
    if (!node) throw new ConsoleError('not-found', `no node ${request.nodeId} in this network`);
    if (node.external) {
      throw new ConsoleError(
        'forbidden',
        `${node.id} is run by another member of the consortium; its certificates are renewed there`,
      );
    }
    const refusal = this.renewRefusal(node, this.host.actingOrg());
    if (refusal) throw new ConsoleError('forbidden', refusal);
    if (this.renewing) {
      throw new ConsoleError(
        'conflict',
        `the certificates of ${this.renewing} are being renewed; wait for it`,
      );
    }
    this.renewing = node.id;
    try {
      return await this.renewAndRestart(node, request.target);
    } finally {
      this.renewing = undefined;
    }
  }

  private async renewAndRestart(
    node: NodeTopology,
    target: RenewNodeRequest['target'],
  ): Promise<NodeRenewalResult> {
    const what = target === 'tls' ? 'TLS certificate' : 'enrollment certificate';
    const ledgerHeightBefore = await this.ledgerHeight(node);
    this.runtime.progress('Renewing certificate', `the ${what} of ${node.id}`);
    let renewal;
    try {
      renewal = await renewNodeCertificates({
        cryptoDir: this.runtime.layout.cryptoDir,
        keystore: await this.runtime.keystore(),
        domain: node.org.domain,
        host: node.host,
        targets: [target],
        // Raft matches an orderer's TLS certificate in the consenter set by public key: keep it.
        keepKey: node.kind === 'orderer' && target === 'tls',
      });
    } catch (error) {
      if (error instanceof RenewalError) throw new ConsoleError('invalid-argument', error.message);
      throw error;
    }
    const [renewed] = renewal.renewed;
    if (!renewed) throw new Error(`the ${what} of ${node.id} was not renewed`);
    const running = this.nodeState(node) === 'running';
    let state = this.nodeState(node);
    if (running) {
      this.runtime.progress('Restarting node', `${node.id} loads its new ${what}`);
      state = (await this.runtime.restartNode(node.id)).state;
    }
    const result: NodeRenewalResult = {
      nodeId: node.id,
      target,
      previous: this.renewedBrief(renewed.previous),
      current: this.renewedBrief(renewed.current),
      keyReused: renewed.keyReused,
      cappedByCa: renewed.cappedByCa,
      restarted: running,
      state,
    };
    const ledgerHeightAfter = running ? await this.ledgerHeight(node) : undefined;
    if (ledgerHeightBefore !== undefined) result.ledgerHeightBefore = ledgerHeightBefore;
    if (ledgerHeightAfter !== undefined) result.ledgerHeightAfter = ledgerHeightAfter;
    this.runtime.progress(
      'Certificate renewed',
      `${node.id}: ${what} serial ${renewed.current.serialNumber}, valid until ${renewed.current.notAfter}`,
    );
    return result;
  }

  private renewedBrief(certificate: {
    serialNumber: string;
    notAfter: string;
    fingerprintSha256: string;
  }): CertificateBrief & { fingerprintSha256: string } {
    const now = new Date();
    const notAfter = new Date(certificate.notAfter);
    return {
      ...certificate,
      daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
      status: certificateStatus(notAfter, now),
    };
  }

  // ---- the acting org's Fabric CA --------------------------------------------------------------

  private profileCa(org: OrgTopology) {
    return this.runtime.topology.profile.peerOrgs.find((each) => each.mspId === org.mspId)?.fabricCa;
  }

  private howToEnable(org: OrgTopology): string {
    if (org.role === 'orderer') {
      return `${org.mspId} is the ordering service's org; Fabric CA servers run for peer orgs only. Act as a peer org to use one.`;
    }
    return (
      `${org.mspId} runs no Fabric CA. To enable one, give its entry under peerOrgs in the network profile ` +
      'a "fabricCa" option with a free port outside the node ports, e.g. "fabricCa: { port: 7054 }", and bring the network up again. ' +
      "The CA signs with the org's existing identity CA, so the identities it enrolls need no channel change."
    );
  }

  /** The acting org's running CA, or a clear refusal. */
  private requireCa(): { org: OrgTopology; ca: FabricCaHandle } {
    const org = this.host.actingOrg();
    if (!this.profileCa(org)) throw new ConsoleError('unavailable', this.howToEnable(org));
    const ca = this.runtime.fabricCa(org.mspId);
    const state = ca ? this.runtime.process(ca.id)?.status().state : undefined;
    if (!ca || state !== 'running') {
      throw new ConsoleError(
        'unavailable',
        `the Fabric CA of ${org.mspId} is not running${state ? ` (${state})` : ''}: bring the network up on the Overview page, or start it on the Nodes page`,
      );
    }
    return { org, ca };
  }

  private userDir(org: OrgTopology, enrollmentId: string): string {
    return orgLayout(this.runtime.layout.cryptoDir, org.domain).userDir(enrollmentId);
  }

  /** The org's users folders whose certificate the CA enrolled (it carries hf.EnrollmentID). */
  private async caEnrolledIdentities(
    org: OrgTopology,
    revoked: ReadonlySet<string>,
  ): Promise<CaEnrolledIdentity[]> {
    const usersDir = orgLayout(this.runtime.layout.cryptoDir, org.domain).usersDir;
    if (!(await pathExists(usersDir))) return [];
    const identities: CaEnrolledIdentity[] = [];
    for (const entry of (await readdir(usersDir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const dir = path.join(usersDir, entry.name);
      const certFile = path.join(dir, 'msp', MSP_FILES.signCert);
      if (!(await pathExists(path.join(dir, CA_ENROLLMENT_RECORD))) || !(await pathExists(certFile)))
        continue;
      const record = JSON.parse(await readFile(path.join(dir, CA_ENROLLMENT_RECORD), 'utf8')) as {
        enrollmentId: string;
      };
      const pem = await readFile(certFile, 'utf8');
      const info = describeCertificate(pem);
      identities.push({
        enrollmentId: record.enrollmentId,
        attributes: Object.fromEntries(
          Object.entries(info.attributes).filter(([key]) => !key.startsWith('hf.')),
        ),
        certificate: summarizeCertificate(pem),
        revoked: revoked.has(normaliseSerial(info.serialNumber)),
      });
    }
    return identities;
  }

  async caStatus(): Promise<FabricCaStatus> {
    const org = this.host.actingOrg();
    const base: FabricCaStatus = {
      mspId: org.mspId,
      orgName: org.name,
      enabled: false,
      revokedSerials: [],
      identities: [],
    };
    const configured = this.profileCa(org);
    if (!configured) return { ...base, howToEnable: this.howToEnable(org) };
    const status: FabricCaStatus = { ...base, enabled: true, url: `https://127.0.0.1:${configured.port}` };
    const ca = this.runtime.fabricCa(org.mspId);
    if (ca) status.nodeId = ca.id;
    status.state = (ca && this.runtime.process(ca.id)?.status().state) ?? 'not-started';
    if (!ca || status.state !== 'running') {
      status.problem = `the Fabric CA is ${status.state}: bring the network up on the Overview page`;
      status.identities = await this.caEnrolledIdentities(org, new Set());
      return status;
    }
    try {
      const info = await ca.client.caInfo();
      status.version = info.version;
      status.caCertificate = summarizeCertificate(info.caChainPem);
      const crl = describeCrl(await ca.client.generateCrl(await ca.registrar()));
      status.revokedSerials = crl.revokedSerials;
    } catch (error) {
      status.problem = `the Fabric CA did not answer: ${errorMessage(error)}`;
    }
    status.identities = await this.caEnrolledIdentities(org, new Set(status.revokedSerials));
    return status;
  }

  /** fabric-ca refusals are about the request (unknown identity, wrong secret, already registered). */
  private async askCa<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof FabricCaError)) throw error;
      if (error.status === 0)
        throw new ConsoleError('unavailable', `${what}: the Fabric CA is unreachable (${error.message})`);
      const code = error.status === 401 || error.status === 403 ? 'forbidden' : 'invalid-argument';
      throw new ConsoleError(code, `${what}: the Fabric CA refused: ${error.message}`);
    }
  }

  private async refuseExistingUser(org: OrgTopology, enrollmentId: string): Promise<void> {
    if (await pathExists(this.userDir(org, enrollmentId))) {
      throw new ConsoleError(
        'conflict',
        `${org.mspId} already has an identity named ${enrollmentId} in this console; choose another enrollment ID`,
      );
    }
  }

  async caRegister(request: CaRegisterRequest): Promise<CaRegistration> {
    const { org, ca } = this.requireCa();
    await this.refuseExistingUser(org, request.enrollmentId);
    const attributes = [{ name: 'role', value: request.role, ecert: true }];
    if (request.patientId !== undefined)
      attributes.push({ name: 'patientId', value: request.patientId, ecert: true });
    const secret = await this.askCa(`Registering ${request.enrollmentId}`, async () =>
      ca.client.register(await ca.registrar(), {
        enrollmentId: request.enrollmentId,
        type: 'client',
        attributes,
      }),
    );
    return { enrollmentId: request.enrollmentId, secret };
  }

  /** Enrolls with the secret and writes the identity's MSP beside the console-issued users. */
  async caEnroll(request: CaEnrollRequest): Promise<IdentitySummary> {
    const { org, ca } = this.requireCa();
    await this.refuseExistingUser(org, request.enrollmentId);
    const enrollment = await this.askCa(`Enrolling ${request.enrollmentId}`, () =>
      ca.client.enroll({
        enrollmentId: request.enrollmentId,
        secret: request.secret,
        organization: org.domain,
        attributes: [{ name: 'role' }, { name: 'patientId', optional: true }],
      }),
    );
    return this.writeEnrollment(org, ca, enrollment);
  }

  private async writeEnrollment(
    org: OrgTopology,
    ca: FabricCaHandle,
    enrollment: Enrollment,
  ): Promise<IdentitySummary> {
    const dir = this.userDir(org, enrollment.enrollmentId);
    await mkdir(dir, { recursive: true });
    await writeFileAtomically(
      path.join(dir, CA_ENROLLMENT_RECORD),
      `${JSON.stringify({ enrollmentId: enrollment.enrollmentId, ca: ca.id, enrolledAt: new Date().toISOString() }, null, 2)}\n`,
      PUBLIC_FILE_MODE,
    );
    await writeEnrollmentMsp(
      path.join(dir, 'msp'),
      enrollment,
      this.runtime.orgMaterial(org.mspId).tlsCaCertPem,
    );
    const identity = await readIdentity(dir, enrollment.enrollmentId, 'user');
    if (!identity)
      throw new Error(`${enrollment.enrollmentId} was enrolled but its certificate cannot be read back`);
    return identity;
  }

  async caReenroll(request: { enrollmentId: string }): Promise<CaReenrollResult> {
    const { org, ca } = this.requireCa();
    const dir = this.userDir(org, request.enrollmentId);
    if (!(await pathExists(path.join(dir, 'msp')))) {
      throw new ConsoleError(
        'not-found',
        `${org.mspId} has no identity named ${request.enrollmentId} in this console`,
      );
    }
    const msp = await readLocalMsp(path.join(dir, 'msp'), { mspId: org.mspId });
    if (!(await pathExists(path.join(dir, CA_ENROLLMENT_RECORD)))) {
      throw new ConsoleError(
        'invalid-argument',
        `${request.enrollmentId} was issued by the console, not enrolled with the Fabric CA; the CA cannot re-enroll it`,
      );
    }
    const current: Enrollment = {
      mspId: org.mspId,
      enrollmentId: request.enrollmentId,
      certPem: msp.signCertPem,
      keyPem: msp.keyPem,
      caChainPem: msp.caCertPem,
    };
    const renewed = await this.askCa(`Re-enrolling ${request.enrollmentId}`, () =>
      ca.client.reenroll(current),
    );
    return {
      identity: await this.writeEnrollment(org, ca, renewed),
      previous: summarizeCertificate(msp.signCertPem),
    };
  }

  async caRevoke(request: CaRevokeRequest): Promise<CaRevokeResult> {
    const { ca } = this.requireCa();
    const result = await this.askCa(`Revoking ${request.enrollmentId}`, async () =>
      ca.client.revoke(await ca.registrar(), { enrollmentId: request.enrollmentId, reason: request.reason }),
    );
    return {
      enrollmentId: request.enrollmentId,
      revokedSerials: result.revoked.map((entry) => entry.serial),
    };
  }

  /** The CA's current CRL as a revocation-list channel update, proposed by the acting org's admin. */
  async caPublishCrl(): Promise<CrlPublication> {
    const { org, ca } = this.requireCa();
    const crlPem = await this.askCa('Generating the CRL', async () =>
      ca.client.generateCrl(await ca.registrar()),
    );
    const crl = describeCrl(crlPem);
    const count = crl.revokedSerials.length;
    const bundle = await this.host.proposeChannelUpdate({
      edit: { kind: 'revocation-list', mspId: org.mspId, crl: crlPem },
      description: `Publish the CRL of ${org.mspId}'s Fabric CA (${count} revoked certificate${count === 1 ? '' : 's'}) so the peers refuse the revoked identities`,
    });
    const published: CrlPublication['crl'] = {
      issuer: crl.issuer,
      thisUpdate: crl.thisUpdate,
      revokedSerials: crl.revokedSerials,
    };
    if (crl.nextUpdate !== undefined) published.nextUpdate = crl.nextUpdate;
    return { crl: published, bundle };
  }
}
