// The one API contract between the renderer and the services: channel names (`domain:verb`), the
// runtime schema every argument is validated against, and the result type each channel returns.
// Both transports (Electron IPC, headless HTTP + WebSocket) carry exactly this map. The file is
// imported by the renderer, so it holds no Node imports.
import { z } from 'zod';
import { hostPortSchema } from '../services/channel/host-port';
import type {
  ChaincodeStatus,
  LogLine,
  NetworkStatus,
  NodeStatus,
  ProgressEvent,
  RuntimeEvents,
} from '../services/runtime/types';
import type {
  BundleFile,
  BundleReview,
  BundleSubmitResult,
  ChaincodeOverview,
  ChannelConfigView,
  ConsoleContext,
  IdentitySummary,
  OrgDefinition,
  OrgDefinitionCheck,
  OrgIdentities,
} from '../services/console/types';
import type { JoinPackage, JoinStatus } from '../services/console/join-types';
import type {
  CaReenrollResult,
  CaRegistration,
  CaRevokeResult,
  CertificateInventoryView,
  CrlPublication,
  FabricCaStatus,
  NodeRenewalResult,
} from '../services/console/certificate-types';
import type {
  AuditDownload,
  AuditRunSummary,
  BlockDetail,
  BlockPage,
  ClaimTrail,
  CsvExport,
  DashboardTable,
  DashboardView,
  LedgerBlockEvent,
  LedgerStatus,
  SearchResult,
  TransactionDetail,
} from '../services/ledger-console/types';

export const NODE_ID_PATTERN = /^[a-z0-9][a-z0-9.-]{0,127}$/;
export const MAX_LOG_LINES = 5000;
export const DEFAULT_LOG_LINES = 500;

const nodeIdSchema = z
  .string()
  .regex(
    NODE_ID_PATTERN,
    'must be 1-128 characters of a-z, 0-9, "." or "-", starting with a letter or digit',
  );

const noArgumentsSchema = z.object({}).strict();
const nodeArgumentsSchema = z.object({ nodeId: nodeIdSchema }).strict();
const logArgumentsSchema = z
  .object({
    nodeId: nodeIdSchema,
    limit: z.number().int().min(1).max(MAX_LOG_LINES).default(DEFAULT_LOG_LINES),
  })
  .strict();

const MSP_ID_PATTERN = /^[A-Za-z][A-Za-z0-9.-]{0,63}$/;
const mspIdSchema = z.string().regex(MSP_ID_PATTERN, 'must be an MSP ID (letters, digits, "." and "-")');
const absolutePathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((value) => value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value), 'must be an absolute path');

const mspArgumentsSchema = z.object({ mspId: mspIdSchema }).strict();
const identityListSchema = z.object({ mspId: mspIdSchema.optional() }).strict();
/** Attribute values end up in certificates and chaincode access checks: keep them plain. */
const attributeValueSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, 'must be 1-128 letters, digits, . _ : @ or -');
const identityIssueSchema = z
  .object({
    mspId: mspIdSchema,
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
        'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
      ),
    role: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a lower-case role such as doctor, nurse, patient or auditor'),
    patientId: attributeValueSchema.optional(),
  })
  .strict();
const openStateDirSchema = z.object({ path: absolutePathSchema }).strict();

const chaincodeDeploySchema = z
  .object({
    path: absolutePathSchema,
    name: z
      .string()
      .regex(
        /^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$/,
        'must be a Fabric chaincode name (letters, digits, - and _)',
      ),
    version: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$/, 'must be 1-64 letters, digits, _ . + or -'),
  })
  .strict();

/** Result of `node:metrics`: the node's raw Prometheus exposition text and when it was read. */
export interface NodeMetricsSnapshot {
  nodeId: string;
  scrapedAt: string;
  text: string;
}

// ---- consortium administration: channel updates and org definitions -------------------------
// Bundles and org definitions travel as files: the renderer reads them with the File API and sends
// their text; results carry the text to offer as a download. No server-side path crosses the API.

/** Largest config update bundle file accepted (UTF-8 bytes). */
export const MAX_BUNDLE_BYTES = 1024 * 1024;
/** Largest org definition file accepted (UTF-8 bytes). */
export const MAX_ORG_DEFINITION_BYTES = 256 * 1024;
/**
 * Largest request body the headless transport accepts: a full-size bundle, JSON-escaped inside the
 * arguments object (escaping can grow text; base64 and PEM grow by newlines only).
 */
export const MAX_API_REQUEST_BYTES = 2 * MAX_BUNDLE_BYTES + 64 * 1024;

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

function fileTextSchema(what: string, maxBytes: number) {
  return z
    .string()
    .max(maxBytes, `the ${what} is larger than ${maxBytes / 1024} KiB`)
    .refine((text) => text.trim().length > 0, `the ${what} is empty`)
    .refine((text) => utf8Length(text) <= maxBytes, `the ${what} is larger than ${maxBytes / 1024} KiB`);
}

const bundleTextSchema = fileTextSchema('bundle file', MAX_BUNDLE_BYTES);
const orgDefinitionTextSchema = fileTextSchema('org definition file', MAX_ORG_DEFINITION_BYTES);
const bundleArgumentsSchema = z.object({ bundle: bundleTextSchema }).strict();

/** Largest CRL accepted in a revocation-list edit (UTF-8 bytes). */
export const MAX_CRL_BYTES = 256 * 1024;
const crlTextSchema = fileTextSchema('CRL', MAX_CRL_BYTES).refine(
  (text) => /^\s*-----BEGIN X509 CRL-----[\s\S]+-----END X509 CRL-----\s*$/.test(text),
  'must be one PEM CRL ("-----BEGIN X509 CRL-----" … "-----END X509 CRL-----")',
);

/** Largest certificate accepted in a consenter edit (UTF-8 bytes). */
const MAX_CERTIFICATE_BYTES = 64 * 1024;
const certificateTextSchema = fileTextSchema('certificate', MAX_CERTIFICATE_BYTES).refine(
  (text) => /^\s*-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/.test(text),
  'must be one PEM certificate ("-----BEGIN CERTIFICATE-----" … "-----END CERTIFICATE-----")',
);

/** The edits a member may propose; each becomes one config update. */
const channelEditSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('batch'),
      /** The orderer's batch timeout; Fabric waits at most this long before cutting a block. */
      timeoutMs: z.number().int().min(1, 'must be at least 1 ms').max(60_000, 'must be at most 60000 ms'),
      maxMessageCount: z.number().int().min(1).max(100_000).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('anchor-peers'),
      mspId: mspIdSchema,
      /** host:port of each anchor peer; an empty list removes the org's anchor peers. */
      endpoints: z.array(hostPortSchema).max(16),
    })
    .strict(),
  z.object({ kind: z.literal('add-org'), definition: orgDefinitionTextSchema }).strict(),
  z.object({ kind: z.literal('remove-org'), mspId: mspIdSchema }).strict(),
  z
    .object({
      kind: z.literal('capability'),
      level: z.enum(['Channel', 'Orderer', 'Application']),
      name: z.string().regex(/^V\d+_\d+(_\d+)?$/, 'must be a capability name such as V2_5'),
      enabled: z.boolean(),
    })
    .strict(),
  z.object({ kind: z.literal('revocation-list'), mspId: mspIdSchema, crl: crlTextSchema }).strict(),
  z
    .object({
      kind: z.literal('acl'),
      resource: z
        .string()
        .regex(
          /^[A-Za-z0-9_]+\/[A-Za-z0-9_]+$/,
          'must be an ACL resource such as peer/Propose or qscc/GetChainInfo',
        ),
      /** The policy the resource requires, e.g. /Channel/Application/Writers; null removes the ACL. */
      policy: z
        .string()
        .regex(
          /^(\/Channel(\/[A-Za-z0-9][A-Za-z0-9._-]*)+|[A-Za-z0-9][A-Za-z0-9._-]*)$/,
          'must be a policy reference such as /Channel/Application/Writers',
        )
        .nullable(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('policy'),
      /** The group holding the policy: the channel, a level, or an org of a level (mspId). */
      level: z.enum(['Channel', 'Application', 'Orderer']),
      mspId: mspIdSchema.optional(),
      name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must be a policy name such as Writers'),
      /** "MAJORITY Admins" (implicit meta) or a signature rule such as OR('HospitalMSP.admin'); null removes it. */
      rule: z
        .string()
        .trim()
        .min(1, "write a rule such as MAJORITY Admins or OR('HospitalMSP.admin')")
        .max(4000, 'must be at most 4000 characters')
        .nullable(),
    })
    .strict()
    .refine((edit) => edit.level !== 'Channel' || edit.mspId === undefined, {
      message: 'channel-level policies belong to no org; leave the MSP out',
      path: ['mspId'],
    }),
  z
    .object({
      kind: z.literal('add-consenter'),
      /** The orderer's cluster endpoint (host:port) as the other consenters reach it. */
      endpoint: hostPortSchema,
      clientTlsCert: certificateTextSchema,
      serverTlsCert: certificateTextSchema,
    })
    .strict(),
  z.object({ kind: z.literal('remove-consenter'), endpoint: hostPortSchema }).strict(),
]);

const proposeUpdateSchema = z
  .object({
    edit: channelEditSchema,
    description: z
      .string()
      .trim()
      .min(1, 'say in a sentence what the update does and why')
      .max(500, 'must be at most 500 characters'),
    /** When signatures stop being collected (ISO date-time); default: 7 days from now. */
    deadline: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

const orgImportSchema = z.object({ definition: orgDefinitionTextSchema }).strict();

// ---- joining an existing consortium (first-run wizard) --------------------------------------

/** Largest PEM certificate text accepted (a CA certificate is about 1 KiB). */
export const MAX_CERTIFICATE_PEM_BYTES = 16 * 1024;
/** Peers a newcomer's console may run for its org (10 ports each). */
export const MAX_JOIN_PEERS = 8;
const orgNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'must be 1-64 letters and digits, starting with a letter');
const domainSchema = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/,
    'must be a lower-case DNS domain such as clinic.example.org',
  );
const prepareJoinSchema = z
  .object({
    org: z
      .object({
        name: orgNameSchema,
        mspId: mspIdSchema,
        domain: domainSchema,
        role: z.enum(
          ['hospital', 'insurer'],
          'must be hospital or insurer (the consortium has its regulator)',
        ),
        peers: z.number().int().min(1, 'must be at least 1').max(MAX_JOIN_PEERS).default(1),
      })
      .strict(),
    channel: z.string().regex(/^[a-z][a-z0-9.-]{0,248}$/, 'must be a Fabric channel name (lower case)'),
    orderer: z
      .object({
        endpoints: z
          .array(z.lazy(() => hostPortSchema))
          .min(1, "list the consortium's orderer endpoints (host:port)")
          .max(15)
          .refine(
            (list) => list.length !== 2,
            'list one orderer endpoint, or three or more (a Raft cluster of two has no fault tolerance)',
          )
          .refine((list) => new Set(list).size === list.length, 'lists an endpoint twice'),
        mspId: mspIdSchema,
        name: orgNameSchema,
        domain: domainSchema,
        tlsCaPem: z
          .string()
          .max(MAX_CERTIFICATE_PEM_BYTES, `must be at most ${MAX_CERTIFICATE_PEM_BYTES / 1024} KiB`)
          .refine(
            (text) => text.includes('-----BEGIN CERTIFICATE-----'),
            'must be a PEM certificate ("-----BEGIN CERTIFICATE-----")',
          ),
      })
      .strict(),
    basePort: z.number().int().min(1024).max(64_000).optional(),
  })
  .strict()
  .refine((request) => request.org.mspId !== request.orderer.mspId, {
    message: "must differ from the orderer org's MSP ID",
    path: ['org', 'mspId'],
  })
  .refine((request) => request.org.domain !== request.orderer.domain, {
    message: "must differ from the orderer org's domain",
    path: ['org', 'domain'],
  });

// ---- ledger index, dashboards and integrity audit (DESIGN §8) --------------------------------

export const MAX_BLOCK_PAGE = 100;
export const MAX_DASHBOARD_RANGE_DAYS = 3 * 366;
const TX_ID_PATTERN = /^[0-9a-f]{64}$/;
const blockNumberSchema = z.number().int().min(0, 'must be 0 or more').max(Number.MAX_SAFE_INTEGER);
const txIdSchema = z.string().regex(TX_ID_PATTERN, 'must be a transaction id (64 lower-case hex digits)');
/** Claim and record ids as the chaincode accepts them: printable, no spaces or separators. */
const ledgerIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, 'must be 1-128 letters, digits, . _ : @ or -');
const isoDaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(
    (day) =>
      !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) &&
      new Date(`${day}T00:00:00Z`).toISOString().startsWith(day),
    'is not a calendar date',
  );
function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}
const dateRangeShape = { from: isoDaySchema, to: isoDaySchema };
const rangeRefinements = <T extends { from: string; to: string }>(schema: z.ZodType<T>) =>
  schema
    .refine((range) => range.from <= range.to, { message: '"from" must not be after "to"', path: ['to'] })
    .refine((range) => daysBetween(range.from, range.to) <= MAX_DASHBOARD_RANGE_DAYS, {
      message: `the range may span at most ${MAX_DASHBOARD_RANGE_DAYS} days`,
      path: ['to'],
    });
const dateRangeSchema = rangeRefinements(z.object(dateRangeShape).strict());
const dashboardKindSchema = z.enum(['hospital', 'insurer', 'regulator']);
const claimFilterSchema = z
  .object({
    hospitalMspId: mspIdSchema.optional(),
    insurerMspId: mspIdSchema.optional(),
    month: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM')
      .optional(),
    stage: z.enum(['filed', 'held', 'approved', 'denied', 'paid', 'in-review']).optional(),
    ruleId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a rule id such as R1 or FUND_SHORT')
      .optional(),
    severity: z
      .string()
      .regex(/^[a-z]{1,16}$/, 'must be a severity such as hold or warn')
      .optional(),
    flagged: z.boolean().optional(),
    claimIds: z.array(ledgerIdSchema).max(500, 'at most 500 claim ids').optional(),
  })
  .strict();
const ledgerBlocksSchema = z
  .object({
    before: blockNumberSchema.optional(),
    limit: z.number().int().min(1).max(MAX_BLOCK_PAGE).default(25),
  })
  .strict();
const ledgerSearchSchema = z
  .object({
    query: z.string().trim().min(1, 'type a transaction id, block number, claim id or record id').max(128),
  })
  .strict();
const dashboardClaimsSchema = rangeRefinements(
  z.object({ ...dateRangeShape, filter: claimFilterSchema }).strict(),
);
const csvExportSchema = rangeRefinements(
  z
    .object({
      ...dateRangeShape,
      dashboard: dashboardKindSchema,
      table: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a table id such as claim-funnel'),
    })
    .strict(),
);

// ---- certificates: expiry radar, node renewal, the acting org's Fabric CA --------------------

const renewNodeSchema = z.object({ nodeId: nodeIdSchema, target: z.enum(['tls', 'enrollment']) }).strict();
/** fabric-ca enrollment IDs become the certificate's CN and a users/ folder name: keep them plain. */
const enrollmentIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );
const caRegisterSchema = z
  .object({
    enrollmentId: enrollmentIdSchema,
    role: identityIssueSchema.shape.role,
    patientId: attributeValueSchema.optional(),
  })
  .strict();
const caEnrollSchema = z
  .object({
    enrollmentId: enrollmentIdSchema,
    secret: z
      .string()
      .min(1, 'type the enrollment secret the registration returned')
      .max(256, 'must be at most 256 characters')
      .refine((secret) => !/[\s:]/.test(secret), 'an enrollment secret has no spaces or ":"'),
  })
  .strict();
const caIdentitySchema = z.object({ enrollmentId: enrollmentIdSchema }).strict();
const caRevokeSchema = z
  .object({
    enrollmentId: enrollmentIdSchema,
    reason: z.enum([
      'unspecified',
      'keycompromise',
      'affiliationchanged',
      'superseded',
      'cessationofoperation',
      'privilegewithdrawn',
    ]),
  })
  .strict();

/**
 * A channel: its argument schema plus a result type that exists only at compile time
 * (results come from our own services, so they are typed rather than re-validated).
 */
export interface ChannelDefinition<ArgsSchema extends z.ZodType, Result> {
  readonly args: ArgsSchema;
  readonly resultType?: Result;
}

function channel<Result>(): <ArgsSchema extends z.ZodType>(
  args: ArgsSchema,
) => ChannelDefinition<ArgsSchema, Result> {
  return (args) => ({ args });
}

export const apiChannels = {
  'network:status': channel<NetworkStatus>()(noArgumentsSchema),
  'network:up': channel<NetworkStatus>()(noArgumentsSchema),
  'network:down': channel<null>()(noArgumentsSchema),
  'network:cancel': channel<{ cancelled: boolean }>()(noArgumentsSchema),
  'node:start': channel<NodeStatus>()(nodeArgumentsSchema),
  'node:stop': channel<NodeStatus>()(nodeArgumentsSchema),
  'node:restart': channel<NodeStatus>()(nodeArgumentsSchema),
  'node:logs': channel<LogLine[]>()(logArgumentsSchema),
  'node:metrics': channel<NodeMetricsSnapshot>()(nodeArgumentsSchema),
  'chaincode:deploy': channel<ChaincodeStatus>()(chaincodeDeploySchema),
  'chaincode:info': channel<ChaincodeOverview>()(noArgumentsSchema),
  'console:context': channel<ConsoleContext>()(noArgumentsSchema),
  'console:set-acting-org': channel<ConsoleContext>()(mspArgumentsSchema),
  'console:open-state-dir': channel<ConsoleContext>()(openStateDirSchema),
  // Joining an existing consortium: prepare (identities + join package), then network:up joins.
  'console:prepare-join': channel<JoinPackage>()(prepareJoinSchema),
  'console:join-package': channel<JoinPackage>()(noArgumentsSchema),
  'console:join-status': channel<JoinStatus>()(noArgumentsSchema),
  'identity:list': channel<OrgIdentities[]>()(identityListSchema),
  'identity:issue': channel<IdentitySummary>()(identityIssueSchema),
  'org:export-definition': channel<OrgDefinition>()(mspArgumentsSchema),
  'channel:config': channel<ChannelConfigView>()(noArgumentsSchema),
  // Consortium administration (channel updates signed offline by each org's admin).
  'channel:propose-update': channel<BundleFile>()(proposeUpdateSchema),
  'channel:review-bundle': channel<BundleReview>()(bundleArgumentsSchema),
  'channel:sign-bundle': channel<BundleFile>()(bundleArgumentsSchema),
  'channel:submit-bundle': channel<BundleSubmitResult>()(bundleArgumentsSchema),
  'org:import-definition': channel<OrgDefinitionCheck>()(orgImportSchema),
  // Ledger index, dashboards and integrity audit (role-aware: the acting org decides).
  'ledger:status': channel<LedgerStatus>()(noArgumentsSchema),
  'ledger:blocks': channel<BlockPage>()(ledgerBlocksSchema),
  'ledger:block': channel<BlockDetail>()(z.object({ number: blockNumberSchema }).strict()),
  'ledger:transaction': channel<TransactionDetail>()(z.object({ txId: txIdSchema }).strict()),
  'ledger:search': channel<SearchResult>()(ledgerSearchSchema),
  'ledger:claim': channel<ClaimTrail>()(z.object({ claimId: ledgerIdSchema }).strict()),
  'dashboard:hospital': channel<DashboardView>()(dateRangeSchema),
  'dashboard:insurer': channel<DashboardView>()(dateRangeSchema),
  'dashboard:regulator': channel<DashboardView>()(dateRangeSchema),
  'dashboard:claims': channel<DashboardTable>()(dashboardClaimsSchema),
  'dashboard:export-csv': channel<CsvExport>()(csvExportSchema),
  'audit:run': channel<AuditRunSummary>()(noArgumentsSchema),
  'audit:report': channel<AuditDownload>()(noArgumentsSchema),
  // Certificates: the expiry radar, renewal of the acting org's nodes, the acting org's Fabric CA.
  'certificates:inventory': channel<CertificateInventoryView>()(noArgumentsSchema),
  'certificates:renew-node': channel<NodeRenewalResult>()(renewNodeSchema),
  'ca:status': channel<FabricCaStatus>()(noArgumentsSchema),
  'ca:register': channel<CaRegistration>()(caRegisterSchema),
  'ca:enroll': channel<IdentitySummary>()(caEnrollSchema),
  'ca:reenroll': channel<CaReenrollResult>()(caIdentitySchema),
  'ca:revoke': channel<CaRevokeResult>()(caRevokeSchema),
  'ca:publish-crl': channel<CrlPublication>()(noArgumentsSchema),
} as const;

export type ApiChannels = typeof apiChannels;
export type ApiChannel = keyof ApiChannels;

/** What a caller passes (defaults may be omitted). */
export type ApiArgs<C extends ApiChannel> = z.input<ApiChannels[C]['args']>;
/** What a handler receives after validation (defaults filled in). */
export type ApiParsedArgs<C extends ApiChannel> = z.output<ApiChannels[C]['args']>;
export type ApiResult<C extends ApiChannel> = Exclude<ApiChannels[C]['resultType'], undefined>;

/** Lets callers omit the argument object of channels that take no required arguments. */
export type ApiCallArgs<C extends ApiChannel> =
  Record<never, never> extends ApiArgs<C> ? [args?: ApiArgs<C>] : [args: ApiArgs<C>];

export const API_CHANNEL_NAMES = Object.keys(apiChannels) as ApiChannel[];

export function isApiChannel(name: string): name is ApiChannel {
  return Object.hasOwn(apiChannels, name);
}

/** Push events, server → renderer. Payload types come straight from the runtime. */
export type ApiEvents = Pick<RuntimeEvents, 'node-state' | 'log' | 'progress'> & {
  /** The ledger index grew (its height). */
  'ledger:block': LedgerBlockEvent;
};
export type ApiEventName = keyof ApiEvents;
/** Events the runtime emits; the others come from the console's own services. */
export const RUNTIME_EVENT_NAMES = [
  'node-state',
  'log',
  'progress',
] as const satisfies readonly (keyof RuntimeEvents)[];
export const API_EVENT_NAMES = [
  ...RUNTIME_EVENT_NAMES,
  'ledger:block',
] as const satisfies readonly ApiEventName[];

export type ApiEventMessage = {
  [E in ApiEventName]: { event: E; payload: ApiEvents[E] };
}[ApiEventName];

export type { LogLine, NetworkStatus, NodeStatus, ProgressEvent };
export type {
  BundleFile,
  BundleRefusalDetails,
  BundleReview,
  BundleSignatureView,
  BundleSubmitResult,
  ChaincodeOverview,
  ChannelConfigView,
  ChannelEdit,
  ConsoleContext,
  IdentitySummary,
  OrgDefinition,
  OrgDefinitionCheck,
  OrgIdentities,
  SignatureRequirementView,
} from '../services/console/types';
export type * from '../services/console/join-types';
export type * from '../services/ledger-console/types';
export type * from '../services/console/certificate-types';
