// The one API contract between the renderer and the services: channel names (`domain:verb`), the
// runtime schema every argument is validated against, and the result type each channel returns.
// Both transports (Electron IPC, headless HTTP + WebSocket) carry exactly this map. The file is
// imported by the renderer, so it holds no Node imports.
import { z } from 'zod';
import type {
  ChaincodeStatus,
  LogLine,
  NetworkStatus,
  NodeStatus,
  ProgressEvent,
  RuntimeEvents,
} from '../services/runtime/types';
import type {
  ChaincodeOverview,
  ChannelConfigView,
  ConsoleContext,
  IdentitySummary,
  OrgDefinition,
  OrgIdentities,
} from '../services/console/types';

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
  'identity:list': channel<OrgIdentities[]>()(identityListSchema),
  'identity:issue': channel<IdentitySummary>()(identityIssueSchema),
  'org:export-definition': channel<OrgDefinition>()(mspArgumentsSchema),
  'channel:config': channel<ChannelConfigView>()(noArgumentsSchema),
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
export type ApiEvents = Pick<RuntimeEvents, 'node-state' | 'log' | 'progress'>;
export type ApiEventName = keyof ApiEvents;
export const API_EVENT_NAMES = ['node-state', 'log', 'progress'] as const satisfies readonly ApiEventName[];

export type ApiEventMessage = {
  [E in ApiEventName]: { event: E; payload: ApiEvents[E] };
}[ApiEventName];

export type { LogLine, NetworkStatus, NodeStatus, ProgressEvent };
export type {
  ChaincodeOverview,
  ChannelConfigView,
  ConsoleContext,
  IdentitySummary,
  OrgDefinition,
  OrgIdentities,
} from '../services/console/types';
