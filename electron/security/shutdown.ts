// What closing the window and quitting do. The console supervises the Fabric processes it
// started (their logs are piped to it), so they cannot outlive it: "keep nodes running in the
// background" keeps the console itself alive in the tray when the window closes; quitting always
// stops the nodes cleanly first.
import type { NetworkStatus } from '../services/runtime/types';

export type ShutdownTrigger = 'window-closed' | 'quit';
export type ShutdownAction = 'hide-to-tray' | 'stop-nodes-and-quit' | 'quit';

export function planShutdown(input: {
  trigger: ShutdownTrigger;
  keepRunning: boolean;
  nodesRunning: boolean;
}): ShutdownAction {
  if (input.trigger === 'window-closed' && input.keepRunning) return 'hide-to-tray';
  return input.nodesRunning ? 'stop-nodes-and-quit' : 'quit';
}

/** The tray's one-line status, e.g. "medchannel: up — 7 of 7 nodes running". */
export function trayStatusLabel(status: NetworkStatus | undefined): string {
  if (status === undefined) return 'Network status unknown';
  const running = status.nodes.filter((node) => node.state === 'running').length;
  const problems = status.nodes
    .filter((node) => node.state === 'crashed' || node.state === 'unhealthy')
    .map((node) => node.id);
  const base = `${status.channel}: ${status.state} — ${running} of ${status.nodes.length} nodes running`;
  return problems.length > 0 ? `${base} (attention: ${problems.join(', ')})` : base;
}
