// The dispatcher both transports share: validates every argument against the contract before the
// controller sees it, and turns every outcome into an envelope (never a thrown error, never a stack).
import type { z } from 'zod';
import type {
  ChaincodeOverview,
  ChannelConfigView,
  ConsoleContext,
  IdentitySummary,
  IssueIdentityRequest,
  OrgDefinition,
  OrgIdentities,
} from '../services/console/types';
import type { Disposable, NetworkController } from '../services/runtime/types';
import {
  API_EVENT_NAMES,
  apiChannels,
  isApiChannel,
  type ApiChannel,
  type ApiEventMessage,
  type ApiParsedArgs,
  type ApiResult,
} from './contract';
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
  listIdentities(mspId?: string): Promise<OrgIdentities[]>;
  issueIdentity(request: IssueIdentityRequest): Promise<IdentitySummary>;
  exportOrgDefinition(mspId: string): Promise<OrgDefinition>;
  channelConfig(): Promise<ChannelConfigView>;
  chaincodeInfo(): Promise<ChaincodeOverview>;
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
    const code: unknown = (error as Error & { code?: unknown }).code;
    return { code: isApiErrorCode(code) ? code : 'internal', message: error.message || error.name };
  }
  return { code: 'internal', message: `Unexpected failure: ${String(error)}` };
}

/**
 * `services` is optional so a bare controller (tests, the CLI) still serves the node channels; the
 * console channels then answer `unavailable`.
 */
export function createApiHandlers(controller: NetworkController, services?: ConsoleApiServices): ApiHandlers {
  function consoleServices(): ConsoleApiServices {
    if (services === undefined) {
      throw new ApiError(
        'unavailable',
        'This console server was started without the console services (identities, channel, chaincode).',
      );
    }
    return services;
  }

  const implementations: ChannelImplementations = {
    'network:status': () => controller.status(),
    // Progress reaches clients through the runtime's `progress` event (see subscribe), so `up` is
    // called without a callback to avoid delivering every step twice.
    'network:up': () => controller.up(),
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
    'identity:list': ({ mspId }) => consoleServices().listIdentities(mspId),
    'identity:issue': (request) => consoleServices().issueIdentity(request),
    'org:export-definition': ({ mspId }) => consoleServices().exportOrgDefinition(mspId),
    'channel:config': () => consoleServices().channelConfig(),
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
      const subscriptions = API_EVENT_NAMES.map((event) =>
        controller.on(event, (payload) => listener({ event, payload } as ApiEventMessage)),
      );
      return {
        dispose() {
          for (const subscription of subscriptions) subscription.dispose();
        },
      };
    },
  };
}
