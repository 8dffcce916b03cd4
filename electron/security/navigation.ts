// Where the window may go: nowhere but the console's own pages. The renderer is served from the
// privileged app:// scheme; every other navigation and every new window is refused, and links to
// a short allow-list of documentation sites open in the user's browser instead.
export const APP_SCHEME = 'app';
export const APP_HOST = 'console';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Sites the console may open in the system browser (documentation the pages link to). */
export const EXTERNAL_ALLOW_LIST: readonly string[] = [
  'https://hyperledger-fabric.readthedocs.io',
  'https://github.com',
  'https://hl7.org',
];

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    // Not a URL at all: treated as not allowed by every caller.
    return undefined;
  }
}

/** A page of the console itself (app://console/…). */
export function isAppUrl(url: string): boolean {
  const parsed = parse(url);
  return (
    parsed !== undefined &&
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** will-navigate / will-redirect: only within the console. */
export function isAllowedNavigation(url: string): boolean {
  return isAppUrl(url);
}

/** shell.openExternal only for https URLs whose origin is on the allow-list, without credentials. */
export function isAllowedExternal(url: string, allowList: readonly string[] = EXTERNAL_ALLOW_LIST): boolean {
  const parsed = parse(url);
  if (
    parsed === undefined ||
    parsed.protocol !== 'https:' ||
    parsed.username !== '' ||
    parsed.password !== ''
  )
    return false;
  return allowList.includes(parsed.origin);
}

export interface WindowOpenDecision {
  action: 'deny';
  /** The URL to hand to shell.openExternal, when it is allow-listed. */
  openExternally?: string;
}

/** setWindowOpenHandler: never a new Electron window; allow-listed links go to the browser. */
export function decideWindowOpen(
  url: string,
  allowList: readonly string[] = EXTERNAL_ALLOW_LIST,
): WindowOpenDecision {
  return isAllowedExternal(url, allowList) ? { action: 'deny', openExternally: url } : { action: 'deny' };
}
