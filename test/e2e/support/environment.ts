// How the global setup hands the running console to the spec workers (environment variables are
// inherited by Playwright's worker processes).
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
export const RENDERER_DIST = path.join(REPO_ROOT, 'dist', 'renderer');
/** A signed-in browser session (HttpOnly cookie) every real-network spec starts from. */
export const STORAGE_STATE_FILE = path.join(REPO_ROOT, 'test-results', 'e2e-state', 'session.json');
/** The signed-in session of the second console (a newcomer joining the consortium, onboarding spec). */
export const NEWCOMER_STORAGE_STATE_FILE = path.join(
  REPO_ROOT,
  'test-results',
  'e2e-state',
  'newcomer-session.json',
);
export const PROBE_CHAINCODE = path.join(REPO_ROOT, 'test', 'fixtures', 'probe-chaincode');

export const E2E_ENV = {
  url: 'MEDFABRIC_E2E_URL',
  loginUrl: 'MEDFABRIC_E2E_LOGIN_URL',
  token: 'MEDFABRIC_E2E_TOKEN',
  stateDir: 'MEDFABRIC_E2E_STATE_DIR',
  /** Test-only control endpoint of the global setup (POST /demo: a known workload). */
  controlUrl: 'MEDFABRIC_E2E_CONTROL_URL',
  /** The second console, on its own empty state directory: a newcomer joining the consortium. */
  newcomerUrl: 'MEDFABRIC_E2E_NEWCOMER_URL',
  newcomerToken: 'MEDFABRIC_E2E_NEWCOMER_TOKEN',
  newcomerStateDir: 'MEDFABRIC_E2E_NEWCOMER_STATE_DIR',
} as const;

export interface RealConsole {
  url: string;
  /** One-time login URL, for the spec that signs in through the browser. */
  loginUrl: string;
  token: string;
  stateDir: string;
}

function read(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} is not set: run the browser tests through playwright.config.ts (its global setup starts the console)`,
    );
  return value;
}

export function realConsole(): RealConsole {
  return {
    url: read(E2E_ENV.url),
    loginUrl: read(E2E_ENV.loginUrl),
    token: read(E2E_ENV.token),
    stateDir: read(E2E_ENV.stateDir),
  };
}

/** The second console the global setup started: no network yet, it joins the first one's consortium. */
export interface NewcomerConsole {
  url: string;
  token: string;
  stateDir: string;
}

export function newcomerConsole(): NewcomerConsole {
  return {
    url: read(E2E_ENV.newcomerUrl),
    token: read(E2E_ENV.newcomerToken),
    stateDir: read(E2E_ENV.newcomerStateDir),
  };
}
