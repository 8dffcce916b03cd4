// How the global setup hands the running console to the spec workers (environment variables are
// inherited by Playwright's worker processes).
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
export const RENDERER_DIST = path.join(REPO_ROOT, 'dist', 'renderer');
/** A signed-in browser session (HttpOnly cookie) every real-network spec starts from. */
export const STORAGE_STATE_FILE = path.join(REPO_ROOT, 'test-results', 'e2e-state', 'session.json');
export const PROBE_CHAINCODE = path.join(REPO_ROOT, 'test', 'fixtures', 'probe-chaincode');

export const E2E_ENV = {
  url: 'MEDFABRIC_E2E_URL',
  loginUrl: 'MEDFABRIC_E2E_LOGIN_URL',
  token: 'MEDFABRIC_E2E_TOKEN',
  stateDir: 'MEDFABRIC_E2E_STATE_DIR',
  /** Test-only control endpoint of the global setup (POST /demo: a known workload). */
  controlUrl: 'MEDFABRIC_E2E_CONTROL_URL',
} as const;

export interface RealConsole {
  url: string;
  /** One-time login URL, for the spec that signs in through the browser. */
  loginUrl: string;
  token: string;
  stateDir: string;
}

export function realConsole(): RealConsole {
  const read = (name: string): string => {
    const value = process.env[name];
    if (!value)
      throw new Error(
        `${name} is not set: run the browser tests through playwright.config.ts (its global setup starts the console)`,
      );
    return value;
  };
  return {
    url: read(E2E_ENV.url),
    loginUrl: read(E2E_ENV.loginUrl),
    token: read(E2E_ENV.token),
    stateDir: read(E2E_ENV.stateDir),
  };
}
