// The dispatcher both transports share: validates every argument against the contract before the
// controller sees it, and turns every outcome into an envelope (never a thrown error, never a stack).
import type { z } from 'zod';
import type {
  BundleFile,
  BundleReview,
  BundleSubmitResult,
  ChaincodeOverview,
  ChannelConfigView,
  ConsoleContext,
  IdentitySummary,
  IssueIdentityRequest,
  OrgDefinition,
  OrgDefinitionCheck,
  OrgIdentities,
  ProposeUpdateRequest,
} from '../services/console/types';
import type { JoinPackage, JoinRequest, JoinStatus } from '../services/console/join-types';
import type {
  AuditDownload,
  AuditRunSummary,
  BlockDetail,
  BlockPage,
  ClaimFilter,
  ClaimTrail,
  CsvExport,
  DashboardKind,
  DashboardTable,
  DashboardView,
  DateRange,
  LedgerBlockEvent,
  LedgerStatus,
  SearchResult,
  TransactionDetail,
} from '../services/ledger-console/types';
import type { Disposable, NetworkController } from '../services/runtime/types';
import {
  apiChannels,
  isApiChannel,
  RUNTIME_EVENT_NAMES,
  type ApiChannel,
  type ApiEventMessage,
  type ApiParsedArgs,
  type ApiResult,
} from './contract';
import { certificateChannelHandlers, type CertificateApiServices } from './certificate-handlers';
import { ApiError, isApiErrorCode, type ApiEnvelope, type ApiErrorBody } from './errors';

type ChannelImplementations = {
  [C in ApiChannel]: (args: ApiParsedArgs<C>) => Promise<ApiResult<C>>;
};

export interface ApiHandlers {
  /** Never rejects: failures come back as `{error}` envelopes. */
  invoke(channel: string, rawArgs: unknown): Promise<ApiEnvelope<unknown>>;
  /** Forwards the runtime's push events until disposed. */
  subscribe(listener: (message: ApiEventMessage) => void): Disposable;
}

/**
 * The console services behind the identity, org, channel and chaincode-info channels
 * (ConsoleServices implements it). Declared here, with renderer-safe types only.
 */
export interface ConsoleApiServices {
  context(): ConsoleContext;
  setActingOrg(mspId: string): ConsoleContext;
  openStateDir(stateDir: string): Promise<ConsoleContext>;
  // Joining an existing consortium (first-run wizard).
  prepareJoin(request: JoinRequest): Promise<JoinPackage>;
  joinPackage(): Promise<JoinPackage>;
  joinStatus(): Promise<JoinStatus>;
  listIdentities(mspId?: string): Promise<OrgIdentities[]>;
  issueIdentity(request: IssueIdentityRequest): Promise<IdentitySummary>;
  exportOrgDefinition(mspId: string): Promise<OrgDefinition>;
  channelConfig(): Promise<ChannelConfigView>;
  chaincodeInfo(): Promise<ChaincodeOverview>;
  // Consortium administration: bundles and org definitions as file text, never paths.
  proposeChannelUpdate(request: ProposeUpdateRequest): Promise<BundleFile>;
  reviewUpdateBundle(bundleJson: string): Promise<BundleReview>;
  signUpdateBundle(bundleJson: string): Promise<BundleFile>;
  submitUpdateBundle(bundleJson: string): Promise<BundleSubmitResult>;
  importOrgDefinition(definitionJson: string): Promise<OrgDefinitionCheck>;
  /** The Certificates page (absent: its channels answer `unavailable`). */
  readonly certificates?: CertificateApiServices;
}

/**
 * The ledger index, dashboards and integrity audit (LedgerService implements it), scoped to the
 * acting org by the service itself. Declared here, with renderer-safe types only.
 */
export interface LedgerApiServices {
  status(): Promise<LedgerStatus>;
  blocks(request: { before?: number; limit: number }): Promise<BlockPage>;
  block(blockNumber: number): Promise<BlockDetail>;
  transaction(txId: string): Promise<TransactionDetail>;
  search(query: string): Promise<SearchResult>;
  claim(claimId: string): Promise<ClaimTrail>;
  dashboard(kind: DashboardKind, range: DateRange): Promise<DashboardView>;
  claims(filter: ClaimFilter, range: DateRange): Promise<DashboardTable>;
  exportCsv(request: { dashboard: DashboardKind; table: string } & DateRange): Promise<CsvExport>;
  runAudit(): Promise<AuditRunSummary>;
  auditReport(): AuditDownload;
  onBlock(listener: (event: LedgerBlockEvent) => void): Disposable;
}

export interface ApiIssue {
  path: string;
  message: string;
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): ApiIssue[] {
  return issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(arguments)',
    message: issue.message,
  }));
}

/**
 * Errors from the runtime may carry one of the contract's codes (`not-found`, `conflict`, ...) as a
 * `code` property; anything else is `internal`. Only the message crosses the boundary.
 */
export function toErrorBody(error: unknown): ApiErrorBody {
  if (error instanceof ApiError) return error.toBody();
  if (error instanceof Error) {
    const { code, details } = error as Error & { code?: unknown; details?: unknown };
    const body: ApiErrorBody = {
      code: isApiErrorCode(code) ? code : 'internal',
      message: error.message || error.name,
    };
    // Details (plain JSON, e.g. a refused bundle's problems) accompany errors that carry a code.
    if (isApiErrorCode(code) && details !== undefined) body.details = details;
    return body;
  }
  return { code: 'internal', message: `Unexpected failure: ${String(error)}` };
}

/**
 * `services` is optional so a bare controller (tests, the CLI) still serves the node channels; the
 * console channels then answer `unavailable`.
 */
export function createApiHandlers(
  controller: NetworkController,
  services?: ConsoleApiServices,
  ledger?: LedgerApiServices,
): ApiHandlers {
  function ledgerServices(): LedgerApiServices {
    if (ledger === undefined) {
      throw new ApiError(
        'unavailable',
        'This console server was started without the ledger index (blocks, dashboards, audit).',
      );
    }
    return ledger;
  }

  function consoleServices(): ConsoleApiServices {
    if (services === undefined) {
      throw new ApiError(
        'unavailable',
        'This console server was started without the console services (identities, channel, chaincode).',
      );
    }
    return services;
  }

  function certificateServices(): CertificateApiServices {
    const certificates = consoleServices().certificates;
    if (certificates === undefined) {
      throw new ApiError(
        'unavailable',
        'This console server was started without the certificate services (expiry radar, renewal, Fabric CA).',
      );
    }
    return certificates;
  }

  const implementations: ChannelImplementations = {
    'network:status': () => controller.status(),
    // Progress reaches clients through the runtime's `progress` event (see subscribe), so `up` is
    // called without a callback to avoid delivering every step twice.
    'network:up': () => controller.up(),
    'network:cancel': async () => ({ cancelled: controller.cancel() }),
    'network:down': async () => {
      await controller.down();
      return null;
    },
    'node:start': ({ nodeId }) => controller.startNode(nodeId),
    'node:stop': ({ nodeId }) => controller.stopNode(nodeId),
    'node:restart': ({ nodeId }) => controller.restartNode(nodeId),
    'node:logs': async ({ nodeId, limit }) => controller.tailLogs(nodeId, limit),
    'node:metrics': async ({ nodeId }) => {
      const text = await controller.metrics(nodeId);
      return { nodeId, scrapedAt: new Date().toISOString(), text };
    },
    'chaincode:deploy': (request) => controller.deployChaincode(request),
    'chaincode:info': () => consoleServices().chaincodeInfo(),
    'console:context': async () => consoleServices().context(),
    'console:set-acting-org': async ({ mspId }) => consoleServices().setActingOrg(mspId),
    'console:open-state-dir': ({ path }) => consoleServices().openStateDir(path),
    'console:prepare-join': (request) => consoleServices().prepareJoin(request),
    'console:join-package': () => consoleServices().joinPackage(),
    'console:join-status': () => consoleServices().joinStatus(),
    'identity:list': ({ mspId }) => consoleServices().listIdentities(mspId),
    'identity:issue': (request) => consoleServices().issueIdentity(request),
    'org:export-definition': ({ mspId }) => consoleServices().exportOrgDefinition(mspId),
    'channel:config': () => consoleServices().channelConfig(),
    'channel:propose-update': (request) => consoleServices().proposeChannelUpdate(request),
    'channel:review-bundle': ({ bundle }) => consoleServices().reviewUpdateBundle(bundle),
    'channel:sign-bundle': ({ bundle }) => consoleServices().signUpdateBundle(bundle),
    'channel:submit-bundle': ({ bundle }) => consoleServices().submitUpdateBundle(bundle),
    'org:import-definition': ({ definition }) => consoleServices().importOrgDefinition(definition),
    // Ledger index, dashboards and integrity audit.
    'ledger:status': () => ledgerServices().status(),
    'ledger:blocks': (request) => ledgerServices().blocks(request),
    'ledger:block': ({ number }) => ledgerServices().block(number),
    'ledger:transaction': ({ txId }) => ledgerServices().transaction(txId),
    'ledger:search': ({ query }) => ledgerServices().search(query),
    'ledger:claim': ({ claimId }) => ledgerServices().claim(claimId),
    'dashboard:hospital': (range) => ledgerServices().dashboard('hospital', range),
    'dashboard:insurer': (range) => ledgerServices().dashboard('insurer', range),
    'dashboard:regulator': (range) => ledgerServices().dashboard('regulator', range),
    'dashboard:claims': ({ filter, from, to }) => ledgerServices().claims(filter, { from, to }),
    'dashboard:export-csv': (request) => ledgerServices().exportCsv(request),
    'audit:run': () => ledgerServices().runAudit(),
    'audit:report': async () => ledgerServices().auditReport(),
    ...certificateChannelHandlers(certificateServices),
  };

  async function dispatch<C extends ApiChannel>(channel: C, rawArgs: unknown): Promise<ApiEnvelope<unknown>> {
    const parsed = apiChannels[channel].args.safeParse(rawArgs ?? {});
    if (!parsed.success) {
      const issues = describeIssues(parsed.error.issues);
      const words = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
      return {
        error: {
          code: 'invalid-argument',
          message: `Invalid arguments for ${channel}: ${words}`,
          details: issues,
        },
      };
    }
    try {
      const implementation = implementations[channel] as (args: unknown) => Promise<ApiResult<C>>;
      return { result: await implementation(parsed.data) };
    } catch (error) {
      return { error: toErrorBody(error) };
    }
  }

  return {
    invoke(channel, rawArgs) {
      if (!isApiChannel(channel)) {
        return Promise.resolve({
          error: { code: 'unknown-channel', message: `There is no API channel named "${channel}".` },
        });
      }
      return dispatch(channel, rawArgs);
    },

    subscribe(listener) {
      const subscriptions = RUNTIME_EVENT_NAMES.map((event) =>
        controller.on(event, (payload) => listener({ event, payload } as ApiEventMessage)),
      );
      if (ledger)
        subscriptions.push(ledger.onBlock((payload) => listener({ event: 'ledger:block', payload })));
      return {
        dispose() {
          for (const subscription of subscriptions) subscription.dispose();
        },
      };
    },
  };
}
