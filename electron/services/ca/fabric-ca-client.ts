// REST client for fabric-ca-server v1.5 (lib/client.go, api/*.go): cainfo, enroll (basic auth),
// and, as an enrolled identity (token auth), register, reenroll, revoke and gencrl. No
// fabric-ca-client binary: keys and CSRs are made here and private keys never leave this process.
import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import https from 'node:https';
import { AuthorityKeyIdentifierExtension, X509Certificate } from '@peculiar/x509';
import { keyMatchesCertificate } from '../pki/x509';
import { createAuthToken, createKeyAndCsr, describeCrl, normaliseSerial, type CrlInfo } from './ca-crypto';

/** An identity enrolled with the CA: usable as a Gateway/MSP signing identity. */
export interface Enrollment {
  mspId: string;
  enrollmentId: string;
  certPem: string;
  /** PKCS#8 PEM; stays in this process unless the caller writes an MSP folder. */
  keyPem: string;
  /** The CA chain the server reports (for a root CA: its own certificate). */
  caChainPem: string;
}

/** Anything that can sign fabric-ca tokens: an enrollment, or a SigningIdentity from the runtime. */
export interface TokenIdentity {
  certPem: string;
  keyPem: string;
}

export interface CaInfo {
  caName: string;
  caChainPem: string;
  version: string;
}

export interface AttributeRequest {
  name: string;
  /** Default false: enrollment fails when the identity lacks a required attribute. */
  optional?: boolean;
}

export interface EnrollRequest {
  enrollmentId: string;
  secret: string;
  /**
   * Attributes to embed in the certificate. Omitted: the CA embeds hf.EnrollmentID, hf.Type,
   * hf.Affiliation and every attribute registered with `ecert: true`. Given: exactly these (the
   * hf.* identity attributes are added as optional requests so `getID`-style checks keep working).
   */
  attributes?: AttributeRequest[];
  /** Subject O (and C) besides the CN; the CA sets the OUs from the identity's type. */
  organization?: string;
  country?: string;
}

export interface RegisterAttribute {
  name: string;
  value: string;
  /** Embedded in the enrollment certificate by default (fabric-ca `ecert:true`). Default true. */
  ecert?: boolean;
}

export interface RegisterRequest {
  enrollmentId: string;
  /** fabric-ca identity type; becomes the certificate's node OU: client, peer, admin, orderer. */
  type?: 'client' | 'peer' | 'admin' | 'orderer';
  /** Omitted: the CA generates one and returns it. */
  secret?: string;
  /** Default: the CA's registry.maxenrollments. */
  maxEnrollments?: number;
  /** Default '' (root affiliation: no extra OUs in the certificate). */
  affiliation?: string;
  attributes?: RegisterAttribute[];
}

export const REVOCATION_REASONS = [
  'unspecified',
  'keycompromise',
  'cacompromise',
  'affiliationchanged',
  'superseded',
  'cessationofoperation',
  'certificatehold',
  'removefromcrl',
  'privilegewithdrawn',
  'aacompromise',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

export type RevokeRequest = (
  | { /** Revokes every certificate of the identity and disables it. */ enrollmentId: string }
  | { /** Revokes one certificate (serial and AKI are read from it). */ certPem: string }
  | { serial: string; aki: string }
) & {
  reason?: RevocationReason;
  /** Ask the server to return a fresh CRL with the answer. */
  generateCrl?: boolean;
};

export interface RevokeResult {
  revoked: Array<{ serial: string; aki: string }>;
  crlPem?: string;
}

export interface GenerateCrlOptions {
  revokedAfter?: Date;
  revokedBefore?: Date;
  expireAfter?: Date;
  expireBefore?: Date;
}

export interface ReenrollOptions {
  /** Keep the private key (default false: a new key is generated). */
  reuseKey?: boolean;
  attributes?: AttributeRequest[];
}

export interface FabricCaClientOptions {
  /** https://127.0.0.1:<port> */
  url: string;
  /** PEM of the CA that issued the server's TLS certificate. */
  tlsCaCertPem: string;
  /** The MSP the enrolled identities belong to (copied into Enrollment.mspId). */
  mspId: string;
  /** fabric-ca's `caname`; omitted: the server's default CA. */
  caName?: string;
  timeoutMs?: number;
}

/** fabric-ca answered with success=false or an HTTP error; `codes` are fabric-ca error codes. */
export class FabricCaError extends Error {
  override name = 'FabricCaError';
  constructor(
    message: string,
    readonly status: number,
    readonly codes: number[] = [],
  ) {
    super(message);
  }
}

interface CaEnvelope<T> {
  success?: boolean;
  result?: T;
  errors?: Array<{ code?: number; message?: string }>;
}

const API_PREFIX = '/api/v1/';
const IDENTITY_ATTRIBUTES = ['hf.EnrollmentID', 'hf.Type', 'hf.Affiliation'];

function decodeBase64Text(value: string | undefined, what: string): string {
  if (typeof value !== 'string' || value === '') throw new FabricCaError(`the CA returned no ${what}`, 200);
  return Buffer.from(value, 'base64').toString('utf8');
}

function attributeRequests(requests: AttributeRequest[] | undefined): object[] | undefined {
  if (requests === undefined) return undefined;
  const names = new Set(requests.map((request) => request.name));
  return [
    ...IDENTITY_ATTRIBUTES.filter((name) => !names.has(name)).map((name) => ({ name, optional: true })),
    ...requests.map((request) => ({ name: request.name, optional: request.optional ?? false })),
  ];
}

/** Serial (lower-case hex) and AKI (lower-case hex) of a certificate, as fabric-ca keys its records. */
export function certificateSerialAndAki(certPem: string): { serial: string; aki: string } {
  const cert = new X509Certificate(certPem);
  const aki = cert.getExtension(AuthorityKeyIdentifierExtension)?.keyId;
  if (aki === undefined) throw new FabricCaError('the certificate has no AuthorityKeyIdentifier', 400);
  return { serial: normaliseSerial(cert.serialNumber), aki: normaliseSerial(aki) };
}

export class FabricCaClient {
  readonly url: string;
  readonly mspId: string;
  private readonly origin: URL;

  constructor(private readonly options: FabricCaClientOptions) {
    this.origin = new URL(options.url);
    if (this.origin.protocol !== 'https:')
      throw new Error(`fabric-ca URL must be https (got ${options.url})`);
    this.url = this.origin.origin;
    this.mspId = options.mspId;
  }

  /** GET /cainfo: the CA chain and version (no authentication). */
  async caInfo(): Promise<CaInfo> {
    const result = await this.call<{ CAName?: string; CAChain?: string; Version?: string }>(
      'GET',
      'cainfo',
      undefined,
      {},
    );
    return {
      caName: result.CAName ?? '',
      caChainPem: decodeBase64Text(result.CAChain, 'CA chain'),
      version: result.Version ?? '',
    };
  }

  /** POST /enroll with the enrollment secret: a new key, a CSR, and the certificate the CA signs. */
  async enroll(request: EnrollRequest): Promise<Enrollment> {
    const { keyPem, csrPem } = await createKeyAndCsr({
      commonName: request.enrollmentId,
      organization: request.organization,
      country: request.country,
    });
    const body = this.signRequestBody(csrPem, request.enrollmentId, request);
    const basic = Buffer.from(`${request.enrollmentId}:${request.secret}`, 'utf8').toString('base64');
    const result = await this.call<{ Cert?: string; ServerInfo?: { CAChain?: string } }>(
      'POST',
      'enroll',
      body,
      { authorization: `Basic ${basic}` },
    );
    return this.enrollment(request.enrollmentId, keyPem, result);
  }

  /** POST /reenroll as the identity itself: a fresh certificate (new key unless reuseKey). */
  async reenroll(identity: Enrollment, options: ReenrollOptions = {}): Promise<Enrollment> {
    const subject = new NodeX509Certificate(identity.certPem).subject;
    const field = (key: string) =>
      subject
        .split('\n')
        .find((line) => line.startsWith(`${key}=`))
        ?.slice(key.length + 1);
    const { keyPem, csrPem } = await createKeyAndCsr(
      { commonName: identity.enrollmentId, organization: field('O'), country: field('C') },
      options.reuseKey ? identity.keyPem : undefined,
    );
    const body = this.signRequestBody(csrPem, identity.enrollmentId, {
      attributes: options.attributes,
      organization: field('O'),
      country: field('C'),
    });
    const result = await this.authenticatedCall<{ Cert?: string; ServerInfo?: { CAChain?: string } }>(
      identity,
      'reenroll',
      body,
    );
    return this.enrollment(identity.enrollmentId, keyPem, result);
  }

  /** POST /register as a registrar; returns the enrollment secret. */
  async register(registrar: TokenIdentity, request: RegisterRequest): Promise<string> {
    const body: Record<string, unknown> = {
      id: request.enrollmentId,
      type: request.type ?? 'client',
      affiliation: request.affiliation ?? '',
      attrs: (request.attributes ?? []).map((attribute) => ({
        name: attribute.name,
        value: attribute.value,
        ecert: attribute.ecert ?? true,
      })),
    };
    if (request.secret !== undefined) body.secret = request.secret;
    if (request.maxEnrollments !== undefined) body.max_enrollments = request.maxEnrollments;
    if (this.options.caName) body.caname = this.options.caName;
    const result = await this.authenticatedCall<{ secret?: string }>(registrar, 'register', body);
    if (typeof result.secret !== 'string' || result.secret === '') {
      throw new FabricCaError(`the CA registered ${request.enrollmentId} but returned no secret`, 200);
    }
    return result.secret;
  }

  /** POST /revoke as a revoker (hf.Revoker), by identity, by certificate, or by serial+AKI. */
  async revoke(revoker: TokenIdentity, request: RevokeRequest): Promise<RevokeResult> {
    const body: Record<string, unknown> = {};
    if ('enrollmentId' in request) body.id = request.enrollmentId;
    else if ('certPem' in request) Object.assign(body, certificateSerialAndAki(request.certPem));
    else Object.assign(body, { serial: normaliseSerial(request.serial), aki: normaliseSerial(request.aki) });
    if (request.reason !== undefined) {
      if (!REVOCATION_REASONS.includes(request.reason)) {
        throw new FabricCaError(`unknown revocation reason "${String(request.reason)}"`, 400);
      }
      body.reason = request.reason;
    }
    if (request.generateCrl) body.gencrl = true;
    if (this.options.caName) body.caname = this.options.caName;
    const result = await this.authenticatedCall<{
      RevokedCerts?: Array<{ Serial?: string; AKI?: string }> | null;
      CRL?: string;
    }>(revoker, 'revoke', body);
    const revoked = (result.RevokedCerts ?? []).map((entry) => ({
      serial: normaliseSerial(entry.Serial ?? ''),
      aki: normaliseSerial(entry.AKI ?? ''),
    }));
    return result.CRL ? { revoked, crlPem: decodeBase64Text(result.CRL, 'CRL') } : { revoked };
  }

  /** POST /gencrl as an identity with hf.GenCRL: the CA's current CRL (PEM). */
  async generateCrl(caller: TokenIdentity, options: GenerateCrlOptions = {}): Promise<string> {
    const body: Record<string, unknown> = {};
    if (this.options.caName) body.caname = this.options.caName;
    if (options.revokedAfter) body.revokedafter = options.revokedAfter.toISOString();
    if (options.revokedBefore) body.revokedbefore = options.revokedBefore.toISOString();
    if (options.expireAfter) body.expireafter = options.expireAfter.toISOString();
    if (options.expireBefore) body.expirebefore = options.expireBefore.toISOString();
    const result = await this.authenticatedCall<{ CRL?: string }>(caller, 'gencrl', body);
    return decodeBase64Text(result.CRL, 'CRL');
  }

  /** gencrl, parsed. */
  async crlInfo(caller: TokenIdentity, options?: GenerateCrlOptions): Promise<CrlInfo & { crlPem: string }> {
    const crlPem = await this.generateCrl(caller, options);
    return { ...describeCrl(crlPem), crlPem };
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private signRequestBody(
    csrPem: string,
    enrollmentId: string,
    request: Pick<EnrollRequest, 'attributes' | 'organization' | 'country'>,
  ): Record<string, unknown> {
    const names: Array<Record<string, string>> = [];
    if (request.organization || request.country) {
      names.push({
        ...(request.country ? { C: request.country } : {}),
        ...(request.organization ? { O: request.organization } : {}),
      });
    }
    const body: Record<string, unknown> = {
      certificate_request: csrPem,
      subject: { CN: enrollmentId, names },
    };
    const attrReqs = attributeRequests(request.attributes);
    if (attrReqs) body.attr_reqs = attrReqs;
    if (this.options.caName) body.CAName = this.options.caName;
    return body;
  }

  private enrollment(
    enrollmentId: string,
    keyPem: string,
    result: { Cert?: string; ServerInfo?: { CAChain?: string } },
  ): Enrollment {
    const certPem = decodeBase64Text(result.Cert, 'certificate');
    const caChainPem = decodeBase64Text(result.ServerInfo?.CAChain, 'CA chain');
    if (!keyMatchesCertificate(certPem, keyPem)) {
      throw new FabricCaError(
        `the CA returned a certificate for another key than ${enrollmentId}'s CSR`,
        200,
      );
    }
    return { mspId: this.mspId, enrollmentId, certPem, keyPem, caChainPem };
  }

  private async authenticatedCall<T>(identity: TokenIdentity, endpoint: string, body: object): Promise<T> {
    const bytes = Buffer.from(JSON.stringify(body), 'utf8');
    const token = createAuthToken(identity, 'POST', `${API_PREFIX}${endpoint}`, bytes);
    return this.call<T>('POST', endpoint, bytes, { authorization: token });
  }

  private call<T>(
    method: 'GET' | 'POST',
    endpoint: string,
    body: object | Buffer | undefined,
    headers: Record<string, string>,
  ): Promise<T> {
    const payload =
      body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const label = `fabric-ca ${this.url} ${endpoint}`;
    return new Promise<T>((resolve, reject) => {
      const request = https.request(
        {
          host: this.origin.hostname,
          port: this.origin.port,
          path: `${API_PREFIX}${endpoint}`,
          method,
          ca: this.options.tlsCaCertPem,
          servername: 'localhost',
          headers: {
            ...headers,
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
          timeout: this.options.timeoutMs ?? 15_000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => reject(new FabricCaError(`${label}: ${error.message}`, 0)));
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            let envelope: CaEnvelope<T>;
            try {
              envelope = JSON.parse(text) as CaEnvelope<T>;
            } catch (error) {
              reject(
                new FabricCaError(
                  `${label}: HTTP ${status}, not JSON (${(error as Error).message}): ${text.slice(0, 200)}`,
                  status,
                ),
              );
              return;
            }
            const errors = envelope.errors ?? [];
            if (status >= 400 || envelope.success === false || envelope.result === undefined) {
              const detail = errors.map((e) => `${e.message ?? '?'} (code ${e.code ?? '?'})`).join('; ');
              reject(
                new FabricCaError(
                  `${label}: HTTP ${status}: ${detail || 'no result'}`,
                  status,
                  errors.map((e) => e.code ?? 0),
                ),
              );
              return;
            }
            resolve(envelope.result);
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error('timed out')));
      request.on('error', (error) => reject(new FabricCaError(`${label}: ${error.message}`, 0)));
      request.end(payload);
    });
  }
}
