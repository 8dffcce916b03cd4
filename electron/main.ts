// Electron main process: one hardened window onto the console, the same services the headless
// server uses (over IPC instead of HTTP), a tray with the network status, a single-instance lock,
// and a clean shutdown that stops the Fabric processes this console started. Kept thin: the
// security decisions live in ./security as pure, unit-tested functions.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  nativeImage,
  protocol,
  shell,
  Tray,
  type WebContents,
} from 'electron';
import { IPC_EVENT_CHANNEL } from './api/bridge';
import { createApiHandlers } from './api/handlers';
import { ConsoleServices } from './services/console';
import { LedgerService } from './services/ledger-console';
import { ensureFabric } from './services/runtime/fabric-installer';
import { NetworkRuntime } from './services/runtime/network-runtime';
import { loadProfile, validateProfile, type NetworkProfile } from './services/runtime/profile';
import { defaultStateDir, StateLayout } from './services/runtime/state-layout';
import type { NetworkStatus } from './services/runtime/types';
import { contentTypeOf, resolveAppAsset } from './security/app-protocol';
import { ELECTRON_CONTENT_SECURITY_POLICY } from './security/content-security-policy';
import { createIpcHandlers } from './security/ipc';
import { APP_ENTRY_URL, APP_SCHEME, decideWindowOpen, isAllowedNavigation } from './security/navigation';
import { planShutdown, trayStatusLabel } from './security/shutdown';
import { secureWindowOptions } from './security/window-options';

// Built layout (electron/build/build-electron.ts): dist/app/electron/{main,preload}.js, with
// network/ and chaincode/ beside dist/app/electron, and the renderer in dist/renderer.
const RENDERER_DIR = path.resolve(import.meta.dirname, '..', '..', 'renderer');
const PRELOAD = path.join(import.meta.dirname, 'preload.js');

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

if (!app.requestSingleInstanceLock()) {
  // Another console already supervises this state directory; it brings its window forward.
  app.quit();
} else {
  void main().catch((error: unknown) => {
    console.error('MedFabric Console failed to start', error);
    app.exit(1);
  });
}

async function profileFor(layout: StateLayout): Promise<NetworkProfile> {
  if (!existsSync(layout.networkFile)) return loadProfile('sandbox');
  const record = JSON.parse(await readFile(layout.networkFile, 'utf8')) as { profile?: unknown };
  return validateProfile(record.profile, layout.networkFile);
}

async function main(): Promise<void> {
  await app.whenReady();
  // A packaged app is read-only: Fabric binaries are installed on first run into the user's data.
  if (app.isPackaged) process.env.MEDFABRIC_FABRIC_CACHE ??= path.join(app.getPath('userData'), 'fabric');
  const stateDir = defaultStateDir();
  const fabric = await ensureFabric((message) => console.log(`[fabric] ${message}`));
  const createRuntime = (dir: string, profile: NetworkProfile) =>
    new NetworkRuntime({ profile, stateDir: dir, fabric, supervisorKind: 'console' });
  const services = new ConsoleServices({
    runtime: createRuntime(stateDir, await profileFor(new StateLayout(stateDir))),
    openRuntime: createRuntime,
  });
  // The acting org's ledger index: follows its peer while the network is up (DESIGN §8).
  const ledger = new LedgerService(services).attach();
  const handlers = createApiHandlers(services.controller, services, ledger);

  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppAsset(RENDERER_DIR, request.url);
    if (file === undefined || !existsSync(file)) return new Response('Not found', { status: 404 });
    return new Response(await readFile(file), {
      headers: {
        'Content-Type': contentTypeOf(file),
        'Content-Security-Policy': ELECTRON_CONTENT_SECURITY_POLICY,
      },
    });
  });

  // Every web contents, including any created later: no navigation away, no new windows, no webviews.
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (navigation, url) => {
      if (!isAllowedNavigation(url)) navigation.preventDefault();
    });
    contents.on('will-redirect', (navigation, url) => {
      if (!isAllowedNavigation(url)) navigation.preventDefault();
    });
    contents.on('will-attach-webview', (attach) => attach.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const decision = decideWindowOpen(url);
      if (decision.openExternally) void shell.openExternal(decision.openExternally);
      return { action: decision.action };
    });
    contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  });

  const trustedIds = new Set<number>();
  for (const [ipcChannel, handle] of createIpcHandlers(handlers, trustedIds)) {
    ipcMain.handle(ipcChannel, (event, rawArgs) =>
      handle(
        {
          webContentsId: event.sender.id,
          frameUrl: event.senderFrame?.url,
          isMainFrame: event.senderFrame !== null && event.senderFrame.parent === null,
        },
        rawArgs,
      ),
    );
  }

  let window: BrowserWindow | undefined;
  let keepRunning = false;
  let quitting = false;

  function createWindow(): BrowserWindow {
    const created = new BrowserWindow(secureWindowOptions({ preload: PRELOAD, devTools: !app.isPackaged }));
    trustedIds.add(created.webContents.id);
    const contentsId = created.webContents.id;
    const subscription = handlers.subscribe((message) => {
      if (!created.isDestroyed() && !created.webContents.isDestroyed())
        created.webContents.send(IPC_EVENT_CHANNEL, message);
    });
    created.once('ready-to-show', () => created.show());
    created.on('close', (event) => {
      if (
        !quitting &&
        planShutdown({ trigger: 'window-closed', keepRunning, nodesRunning: true }) === 'hide-to-tray'
      ) {
        event.preventDefault();
        created.hide();
      }
    });
    created.on('closed', () => {
      subscription.dispose();
      trustedIds.delete(contentsId);
      window = undefined;
    });
    void created.loadURL(APP_ENTRY_URL);
    return created;
  }

  function showWindow(): void {
    window ??= createWindow();
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  }

  app.on('second-instance', showWindow);
  app.on('activate', showWindow);

  // Tray: the network status at a glance, the window, the background choice and Quit.
  const iconFile = path.join(RENDERER_DIR, 'favicon.png');
  const tray = new Tray(
    existsSync(iconFile) ? nativeImage.createFromPath(iconFile) : nativeImage.createEmpty(),
  );
  let lastStatus: NetworkStatus | undefined;
  function refreshTray(): void {
    const label = trayStatusLabel(lastStatus);
    tray.setToolTip(`MedFabric Console — ${label}`);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label, enabled: false },
        { type: 'separator' },
        { label: 'Open console', click: showWindow },
        {
          label: 'Keep nodes running in the background',
          type: 'checkbox',
          checked: keepRunning,
          click: (item) => {
            keepRunning = item.checked;
          },
        },
        { type: 'separator' },
        { label: 'Quit (stops the nodes)', click: () => app.quit() },
      ]),
    );
  }
  async function pollStatus(): Promise<void> {
    try {
      lastStatus = await services.controller.status();
    } catch (error) {
      console.warn('tray: network status unavailable', error);
      lastStatus = undefined;
    }
    refreshTray();
  }
  services.controller.on('node-state', () => void pollStatus());
  const statusTimer = setInterval(() => void pollStatus(), 15_000);
  tray.on('click', showWindow);
  await pollStatus();

  app.on('window-all-closed', () => {
    if (!keepRunning) app.quit();
  });

  app.on('before-quit', (event) => {
    if (quitting) return;
    const nodesRunning = (lastStatus?.nodes ?? []).some((node) => node.state !== 'stopped');
    if (planShutdown({ trigger: 'quit', keepRunning, nodesRunning }) !== 'stop-nodes-and-quit') {
      quitting = true;
      return;
    }
    // Stop the Fabric processes first, then quit for real.
    event.preventDefault();
    quitting = true;
    clearInterval(statusTimer);
    void ledger
      .dispose()
      .then(() => services.controller.down())
      .catch((error: unknown) => console.error('stopping the network failed', error))
      .finally(() => {
        tray.destroy();
        app.quit();
      });
  });

  showWindow();
  // Resume an existing network; on first run the wizard in the window creates it.
  if (existsSync(services.runtime.layout.networkFile)) {
    void services.controller
      .up()
      .catch((error: unknown) => console.error('bringing the network up failed', error));
  }
}
