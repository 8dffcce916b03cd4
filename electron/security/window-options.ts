// The one window factory's options: every renderer runs isolated and sandboxed, without Node,
// webviews or insecure content. `assertHardened` refuses any options object that weakens this,
// so a later edit cannot quietly turn a protection off.
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

export const HARDENED_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  safeDialogs: true,
} as const satisfies WebPreferences;

export interface SecureWindowInput {
  /** Absolute path of the bundled preload script. */
  preload: string;
  title?: string;
  /** DevTools only in development builds. */
  devTools: boolean;
  icon?: string;
}

export function secureWindowOptions(input: SecureWindowInput): BrowserWindowConstructorOptions {
  const options: BrowserWindowConstructorOptions = {
    width: 1360,
    height: 900,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: input.title ?? 'MedFabric Console',
    backgroundColor: '#f4f6f9',
    autoHideMenuBar: true,
    webPreferences: { ...HARDENED_WEB_PREFERENCES, preload: input.preload, devTools: input.devTools },
  };
  if (input.icon !== undefined) options.icon = input.icon;
  assertHardened(options);
  return options;
}

/** Throws when any hardened preference is missing or weakened, or the preload path is relative. */
export function assertHardened(options: BrowserWindowConstructorOptions): void {
  const preferences = options.webPreferences ?? {};
  const weakened = (
    Object.keys(HARDENED_WEB_PREFERENCES) as (keyof typeof HARDENED_WEB_PREFERENCES)[]
  ).filter((key) => preferences[key] !== HARDENED_WEB_PREFERENCES[key]);
  if (weakened.length > 0) {
    throw new Error(`refusing to create a window with weakened web preferences: ${weakened.join(', ')}`);
  }
  if (preferences.preload !== undefined && !/^(\/|[A-Za-z]:[\\/])/.test(preferences.preload)) {
    throw new Error(`the preload script must be an absolute path (got "${preferences.preload}")`);
  }
}
