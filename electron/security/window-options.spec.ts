import { describe, expect, it } from 'vitest';
import { assertHardened, HARDENED_WEB_PREFERENCES, secureWindowOptions } from './window-options';

describe('secureWindowOptions', () => {
  it('isolates and sandboxes the renderer, without Node, webviews or insecure content', () => {
    const options = secureWindowOptions({
      preload: '/opt/medfabric/dist/electron/preload.js',
      devTools: false,
    });
    expect(options.webPreferences).toEqual({
      ...HARDENED_WEB_PREFERENCES,
      preload: '/opt/medfabric/dist/electron/preload.js',
      devTools: false,
    });
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
    expect(options.show).toBe(false);
  });

  it('accepts a Windows preload path', () => {
    expect(() => secureWindowOptions({ preload: 'C:\\MedFabric\\preload.js', devTools: true })).not.toThrow();
  });

  it('refuses weakened preferences and relative preload paths', () => {
    const base = secureWindowOptions({ preload: '/p/preload.js', devTools: false });
    for (const weakening of [
      { nodeIntegration: true },
      { contextIsolation: false },
      { sandbox: false },
      { webSecurity: false },
      { webviewTag: true },
      { allowRunningInsecureContent: true },
    ]) {
      expect(() =>
        assertHardened({ ...base, webPreferences: { ...base.webPreferences, ...weakening } }),
      ).toThrow(/weakened web preferences: \w+/);
    }
    expect(() => assertHardened({ webPreferences: {} })).toThrow(
      /contextIsolation, sandbox, nodeIntegration/,
    );
    expect(() => secureWindowOptions({ preload: 'dist/preload.js', devTools: false })).toThrow(
      /absolute path/,
    );
  });
});
