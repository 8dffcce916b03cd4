import { describe, expect, it } from 'vitest';
import { sandboxStatus } from '../api/testing/fake-network-controller';
import { planShutdown, trayStatusLabel } from './shutdown';

describe('planShutdown', () => {
  it('keeps the console in the tray when the window closes and the user chose to keep nodes running', () => {
    expect(planShutdown({ trigger: 'window-closed', keepRunning: true, nodesRunning: true })).toBe(
      'hide-to-tray',
    );
  });

  it('stops the nodes it started before quitting otherwise', () => {
    expect(planShutdown({ trigger: 'window-closed', keepRunning: false, nodesRunning: true })).toBe(
      'stop-nodes-and-quit',
    );
    expect(planShutdown({ trigger: 'quit', keepRunning: true, nodesRunning: true })).toBe(
      'stop-nodes-and-quit',
    );
    expect(planShutdown({ trigger: 'quit', keepRunning: false, nodesRunning: false })).toBe('quit');
  });
});

describe('trayStatusLabel', () => {
  it('summarises the network and names nodes that need attention', () => {
    const status = sandboxStatus();
    expect(trayStatusLabel(status)).toBe('medfabric: up — 3 of 3 nodes running');
    const crashed = status.nodes[1];
    if (crashed) crashed.state = 'crashed';
    expect(trayStatusLabel(status)).toBe('medfabric: up — 2 of 3 nodes running (attention: peer0.hospital)');
    expect(trayStatusLabel(undefined)).toBe('Network status unknown');
  });
});
