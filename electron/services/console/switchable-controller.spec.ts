import { describe, expect, it } from 'vitest';
import { FakeNetworkController } from '../../api/testing/fake-network-controller';
import { SwitchableController } from './switchable-controller';

describe('SwitchableController', () => {
  it('forwards calls and events to the current runtime, across a replacement', async () => {
    const first = new FakeNetworkController();
    const second = new FakeNetworkController();
    const controller = new SwitchableController(first);
    const steps: string[] = [];
    controller.on('progress', (event) => steps.push(event.step));

    first.emit('progress', { step: 'one' });
    await controller.stopNode('peer0.hospital');
    controller.replace(second);
    first.emit('progress', { step: 'ignored: old runtime' });
    second.emit('progress', { step: 'two' });
    await controller.status();

    expect(steps).toEqual(['one', 'two']);
    expect(first.calls.map((call) => call.method)).toEqual(['stopNode']);
    expect(second.calls.map((call) => call.method)).toEqual(['status']);
    expect(first.listenerCount()).toBe(0);
    expect(controller.current).toBe(second);
  });
});
