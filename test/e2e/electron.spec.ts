// The Electron window itself (hardened window, preload bridge, no Node in the page). Runs only
// where an Electron binary and the built main process exist; elsewhere each test is skipped with
// the reason printed, because no Electron binary can be downloaded on every build machine.
import { _electron as electron } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';
import { REPO_ROOT } from './support/environment';

const MAIN_BUNDLE = path.join(REPO_ROOT, 'dist', 'app', 'electron', 'main.js');

function electronBinary(): { path?: string; reason?: string } {
  if (process.env.ELECTRON_PATH) {
    return existsSync(process.env.ELECTRON_PATH)
      ? { path: process.env.ELECTRON_PATH }
      : { reason: `ELECTRON_PATH=${process.env.ELECTRON_PATH} does not exist` };
  }
  const pathFile = path.join(REPO_ROOT, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      reason: 'no Electron binary: the electron package is not installed and ELECTRON_PATH is not set',
    };
  }
  const binary = path.join(
    REPO_ROOT,
    'node_modules',
    'electron',
    'dist',
    readFileSync(pathFile, 'utf8').trim(),
  );
  return existsSync(binary)
    ? { path: binary }
    : { reason: `the electron package has no binary at ${binary}` };
}

const binary = electronBinary();
const skipReason =
  binary.reason ??
  (existsSync(MAIN_BUNDLE)
    ? undefined
    : `the Electron main process is not built (${MAIN_BUNDLE} is missing)`);
if (skipReason) console.log(`[electron] window tests skipped: ${skipReason}`);

test.describe('Electron window', () => {
  test.skip(skipReason !== undefined, skipReason ?? '');

  test('opens one hardened window whose page has the bridge but no Node', async () => {
    const app = await electron.launch({
      executablePath: binary.path,
      args: [MAIN_BUNDLE, '--no-sandbox'],
      env: { ...process.env, MEDFABRIC_HOME: path.join(REPO_ROOT, 'test-results', 'electron-state') },
    });
    try {
      const window = await app.firstWindow();
      const preferences = await app.evaluate(({ BrowserWindow }) => {
        const [first] = BrowserWindow.getAllWindows();
        return first?.webContents.getLastWebPreferences();
      });
      expect(preferences).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webviewTag: false,
      });
      const exposed = await window.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        bridge: Object.keys((globalThis as { medfabric?: object }).medfabric ?? {}).sort(),
      }));
      expect(exposed.require).toBe('undefined');
      expect(exposed.process).toBe('undefined');
      expect(exposed.bridge).toContain('networkStatus');
      expect(exposed.bridge).toContain('orgExportDefinition');
      await expect(window.getByTestId('nav-overview')).toBeVisible();
    } finally {
      await app.close();
    }
  });
});
