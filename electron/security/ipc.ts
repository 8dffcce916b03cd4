// The main-process side of the IPC transport: one handler per API channel, each refusing calls
// that do not come from the main frame of the console's own window before the dispatcher
// validates the arguments against the contract.
import { ipcChannelOf } from '../api/bridge';
import { API_CHANNEL_NAMES, type ApiChannel } from '../api/contract';
import type { ApiEnvelope } from '../api/errors';
import { isAppUrl } from './navigation';

export interface IpcSender {
  /** webContents id of the sender. */
  webContentsId: number;
  /** URL of the frame that sent the message; undefined when the frame is gone. */
  frameUrl: string | undefined;
  /** False for iframes: only the top frame speaks for the console. */
  isMainFrame: boolean;
}

/** A sender is trusted when it is the main frame of one of our windows showing an app:// page. */
export function isTrustedSender(sender: IpcSender, trustedWebContentsIds: ReadonlySet<number>): boolean {
  return (
    trustedWebContentsIds.has(sender.webContentsId) &&
    sender.isMainFrame &&
    sender.frameUrl !== undefined &&
    isAppUrl(sender.frameUrl)
  );
}

export interface IpcDispatchTarget {
  invoke(channel: string, rawArgs: unknown): Promise<ApiEnvelope<unknown>>;
}

export type IpcChannelHandler = (sender: IpcSender, rawArgs: unknown) => Promise<ApiEnvelope<unknown>>;

/**
 * One handler per API channel, keyed by IPC channel name. Untrusted senders get an
 * `unauthorized` envelope and never reach the dispatcher.
 */
export function createIpcHandlers(
  handlers: IpcDispatchTarget,
  trustedWebContentsIds: ReadonlySet<number>,
  channels: readonly ApiChannel[] = API_CHANNEL_NAMES,
): Map<string, IpcChannelHandler> {
  return new Map(
    channels.map((channel) => [
      ipcChannelOf(channel),
      async (sender: IpcSender, rawArgs: unknown): Promise<ApiEnvelope<unknown>> => {
        if (!isTrustedSender(sender, trustedWebContentsIds)) {
          return {
            error: {
              code: 'unauthorized',
              message: 'IPC call refused: it did not come from the console window.',
            },
          };
        }
        return handlers.invoke(channel, rawArgs);
      },
    ]),
  );
}
