// Runs in the sandboxed renderer before the page: exposes ONE object, window.medfabric, with one
// method per API channel (generated from the contract's channel map) and an event subscription.
// Bundled into a single file, because a sandboxed preload cannot require project modules.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_GLOBAL, IPC_EVENT_CHANNEL } from './api/bridge';
import { API_CHANNEL_NAMES } from './api/contract';
import { createBridge } from './security/preload-bridge';

const bridge = createBridge(
  API_CHANNEL_NAMES,
  (ipcChannel, args) => ipcRenderer.invoke(ipcChannel, args),
  (listener) => {
    // The page receives the message only, never the IpcRendererEvent (which reaches ipcRenderer).
    const forward = (_event: IpcRendererEvent, message: unknown) => listener(message);
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
    };
  },
);

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
