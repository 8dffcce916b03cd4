// The shape of the one object Electron's preload exposes to the renderer (`window.medfabric`):
// one method per API channel, named after it ('org:export-definition' → orgExportDefinition),
// returning the raw envelope, plus one event subscription. No Node or Electron imports: the
// renderer imports these types and the preload generates the object from the channel map.
import type { ApiChannel } from './contract';

export const BRIDGE_GLOBAL = 'medfabric';
/** IPC channel of API channel `c` (one ipcMain.handle per API channel). */
export const ipcChannelOf = (channel: ApiChannel): string => `medfabric/${channel}`;
/** Push events, main → renderer. */
export const IPC_EVENT_CHANNEL = 'medfabric/event';

type Camel<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<Camel<Tail>>}`
  : S;
export type BridgeMethodName<C extends string> = C extends `${infer Domain}:${infer Verb}`
  ? Camel<`${Domain}-${Verb}`>
  : never;

export function bridgeMethodName<C extends ApiChannel>(channel: C): BridgeMethodName<C> {
  return channel
    .split(/[:-]/)
    .map((part, index) => (index === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('') as BridgeMethodName<C>;
}

export type BridgeMethods = {
  readonly [C in ApiChannel as BridgeMethodName<C>]: (args?: unknown) => Promise<unknown>;
};

export interface MedFabricBridge extends BridgeMethods {
  /** Subscribes to push events; returns the unsubscribe function. Only the message crosses over. */
  readonly onEvent: (listener: (message: unknown) => void) => () => void;
}
