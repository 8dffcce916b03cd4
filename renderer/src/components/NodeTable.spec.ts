import { createTestingPinia } from '@pinia/testing';
import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { FakeNetworkController, sandboxStatus } from '../../../electron/api/testing/fake-network-controller';
import { consoleApiKey } from '../api/console-api';
import { createInMemoryConsoleApi } from '../api/testing/in-memory-console-api';
import { useNetworkStore } from '../stores/use-network-store';
import NodeTable from './NodeTable.vue';

function mountTable(options: { showActions: boolean; crashedNodeId?: string; pendingNodeId?: string }) {
  const status = sandboxStatus();
  for (const node of status.nodes) {
    if (node.id === options.crashedNodeId) {
      node.state = 'crashed';
      node.lastExit = { code: 2, signal: null, at: '2026-01-01T10:00:00.000Z' };
      delete node.pid;
    }
  }
  const pinia = createTestingPinia({
    createSpy: vi.fn,
    initialState: {
      network: {
        status,
        pendingNodeActions: options.pendingNodeId ? { [options.pendingNodeId]: 'restart' } : {},
      },
    },
  });
  const wrapper = mount(NodeTable, {
    props: { caption: 'Nodes', showActions: options.showActions, selectedNodeId: 'peer0.hospital' },
    global: {
      plugins: [pinia],
      provide: { [consoleApiKey as symbol]: createInMemoryConsoleApi(new FakeNetworkController()) },
    },
  });
  return { wrapper, store: useNetworkStore(pinia) };
}

describe('NodeTable', () => {
  it('lists every node with state, health, pid and ports', () => {
    const { wrapper } = mountTable({ showActions: false, crashedNodeId: 'peer0.insurer' });
    const rows = wrapper.findAll('[data-testid="node-row"]');
    expect(rows.map((row) => row.attributes('data-node-id'))).toEqual([
      'orderer0.orderer',
      'peer0.hospital',
      'peer0.insurer',
    ]);
    const insurer = wrapper.find('[data-node-id="peer0.insurer"]');
    expect(insurer.find('[data-testid="node-state"]').text()).toBe('crashed');
    expect(insurer.find('[data-testid="node-health"]').text()).toMatch(/^Exited \(code 2\) at /);
    expect(insurer.find('[data-testid="node-pid"]').text()).toBe('—');
    expect(wrapper.find('[data-node-id="peer0.hospital"]').text()).toContain('listen 7051 · ops 8051');
    expect(wrapper.find('[data-testid="node-restart"]').exists()).toBe(false);
  });

  it('offers only the actions that fit each state and calls the store', async () => {
    const { wrapper, store } = mountTable({ showActions: true, crashedNodeId: 'peer0.insurer' });
    const row = (nodeId: string) => wrapper.find(`[data-node-id="${nodeId}"]`);
    const button = (nodeId: string, action: string) => row(nodeId).find(`[data-testid="node-${action}"]`);

    expect(button('peer0.hospital', 'start').attributes('disabled')).toBeDefined();
    expect(button('peer0.hospital', 'restart').attributes('aria-label')).toBe('Restart peer0.hospital');
    expect(button('peer0.insurer', 'stop').attributes('disabled')).toBeDefined();

    await button('peer0.hospital', 'restart').trigger('click');
    await button('peer0.insurer', 'start').trigger('click');
    expect(store.restartNode).toHaveBeenCalledWith('peer0.hospital');
    expect(store.startNode).toHaveBeenCalledWith('peer0.insurer');
    expect(store.stopNode).not.toHaveBeenCalled();
  });

  it('disables a busy node and marks the selected one', async () => {
    const { wrapper } = mountTable({ showActions: true, pendingNodeId: 'peer0.hospital' });
    const hospital = wrapper.find('[data-node-id="peer0.hospital"]');
    expect(hospital.attributes('aria-busy')).toBe('true');
    expect(hospital.classes()).toContain('is-selected');
    expect(hospital.findAll('button.button').every((each) => each.attributes('disabled') !== undefined)).toBe(
      true,
    );

    await wrapper.find('[data-node-id="orderer0.orderer"] [data-testid="node-select"]').trigger('click');
    expect(wrapper.emitted('select')).toEqual([['orderer0.orderer']]);
  });
});
