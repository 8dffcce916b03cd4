// Finds or installs the Fabric binaries. Order (DESIGN §4): FABRIC_BIN → PATH → the .fabric cache →
// the official release archive → `go install` through the Go module proxy. Idempotent: a cache whose
// stamp and binaries check out is used as is.
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CommandError, execCommand, lastLines } from '../process/exec';

export const REQUIRED_BINARIES = ['peer', 'orderer', 'configtxgen', 'configtxlator', 'osnadmin'] as const;
export const CA_BINARIES = ['fabric-ca-server', 'fabric-ca-client'] as const;
const SAMPLE_CONFIGS = ['core.yaml', 'orderer.yaml', 'configtx.yaml'] as const;

export interface FabricSourceVersion {
  /** What `peer version` reports. */
  label: string;
  /** Go module version of github.com/hyperledger/fabric. */
  moduleVersion: string;
  commit: string;
}

/** The pinned release (DESIGN §4): Fabric v3.1.5, installed by commit because the module path has no /v3. */
export const FABRIC_PINNED: FabricSourceVersion = {
  label: '3.1.5',
  moduleVersion: 'v1.4.0-rc1.0.20260618074816-86c1172bec37',
  commit: '86c1172bec37e6590c6b1ae6f847833df48d65fc',
};

/**
 * Used only when the module proxy refuses the pinned commit: the newest Fabric v3 main-line commit
 * the proxy serves here (2023-04-05, FABRIC_VER 3.0.0: channel participation only, V3_0 capability,
 * Raft and BFT, the peer gateway). Reported loudly by the installer and by `network status`.
 */
export const FABRIC_FALLBACK: FabricSourceVersion = {
  label: '3.0.0-snapshot-695dd57e',
  moduleVersion: 'v1.4.0-rc1.0.20230405174026-695dd57e01c2',
  commit: '695dd57e01c2',
};

export const FABRIC_CA_VERSION = 'v1.5.21';
const RELEASE_ARCHIVE_URL = `https://github.com/hyperledger/fabric/releases/download/v${FABRIC_PINNED.label}/hyperledger-fabric-linux-amd64-${FABRIC_PINNED.label}.tar.gz`;
const FABRIC_MODULE = 'github.com/hyperledger/fabric';

export interface FabricInstallation {
  binDir: string;
  configDir: string;
  version: string;
  source: 'FABRIC_BIN' | 'PATH' | 'cache' | 'release-archive' | 'go-install';
  caAvailable: boolean;
  notes: string[];
}

interface InstallStamp {
  version: string;
  moduleVersion?: string;
  source: FabricInstallation['source'];
  caAvailable: boolean;
  notes: string[];
  installedAt: string;
}

export class FabricInstallError extends Error {
  constructor(
    readonly step: string,
    message: string,
    readonly remedy: string,
  ) {
    super(`Fabric install failed at step "${step}": ${message}\nWhat to do: ${remedy}`);
    this.name = 'FabricInstallError';
  }
}

export type InstallProgress = (message: string) => void;

export function projectRoot(): string {
  return path.resolve(import.meta.dirname, '..', '..', '..');
}

export function defaultCacheDir(): string {
  return process.env.MEDFABRIC_FABRIC_CACHE ?? path.join(projectRoot(), '.fabric');
}

async function peerVersion(binDir: string): Promise<string> {
  const { stdout } = await execCommand(path.join(binDir, 'peer'), ['version'], { timeoutMs: 20_000 });
  const match = /Version:\s*(\S+)/.exec(stdout.toString());
  if (!match?.[1]) throw new Error(`could not read the version from "${path.join(binDir, 'peer')} version"`);
  return match[1];
}

function hasAll(binDir: string, names: readonly string[]): boolean {
  return names.every((name) => existsSync(path.join(binDir, name)));
}

function hasConfig(configDir: string): boolean {
  return SAMPLE_CONFIGS.every((name) => existsSync(path.join(configDir, name)));
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, name))) return dir;
  }
  return undefined;
}

/** A Fabric v3 binary set in `binDir` with a config dir beside it (or the cache's). */
async function tryBinDir(
  binDir: string,
  source: FabricInstallation['source'],
  cacheConfigDir: string,
): Promise<FabricInstallation | undefined> {
  if (!hasAll(binDir, REQUIRED_BINARIES)) return undefined;
  const configDir = [process.env.FABRIC_CFG_PATH, path.join(binDir, '..', 'config'), cacheConfigDir].find(
    (dir): dir is string => dir !== undefined && hasConfig(dir),
  );
  if (!configDir) return undefined;
  const version = await peerVersion(binDir);
  if (!version.replace(/^v/, '').startsWith('3.')) return undefined;
  return { binDir, configDir, version, source, caAvailable: hasAll(binDir, CA_BINARIES), notes: [] };
}

/** Returns an existing installation without installing anything, or undefined. */
export async function findFabric(cacheDir = defaultCacheDir()): Promise<FabricInstallation | undefined> {
  const cacheConfig = path.join(cacheDir, 'config');
  if (process.env.FABRIC_BIN) {
    const found = await tryBinDir(process.env.FABRIC_BIN, 'FABRIC_BIN', cacheConfig);
    if (!found) {
      throw new FabricInstallError(
        'FABRIC_BIN',
        `FABRIC_BIN=${process.env.FABRIC_BIN} does not hold Fabric v3 binaries (${REQUIRED_BINARIES.join(', ')}) with a config directory`,
        'point FABRIC_BIN at the bin/ folder of a Fabric v3 release, or unset it to let the installer build one',
      );
    }
    return found;
  }
  const onPath = findOnPath('peer');
  if (onPath) {
    const found = await tryBinDir(onPath, 'PATH', cacheConfig);
    if (found) return found;
  }
  const stampFile = path.join(cacheDir, 'install.json');
  if (existsSync(stampFile)) {
    const stamp = JSON.parse(await readFile(stampFile, 'utf8')) as InstallStamp;
    const found = await tryBinDir(path.join(cacheDir, 'bin'), 'cache', cacheConfig);
    if (found) return { ...found, caAvailable: stamp.caAvailable, notes: stamp.notes };
  }
  return undefined;
}

/** Finds Fabric or installs it into the cache. */
export async function ensureFabric(
  progress: InstallProgress = () => undefined,
  cacheDir = defaultCacheDir(),
): Promise<FabricInstallation> {
  const existing = await findFabric(cacheDir);
  if (existing) {
    progress(`Fabric ${existing.version} found (${existing.source}: ${existing.binDir})`);
    return existing;
  }
  const binDir = path.join(cacheDir, 'bin');
  const configDir = path.join(cacheDir, 'config');
  await mkdir(binDir, { recursive: true });
  await mkdir(configDir, { recursive: true });
  const notes: string[] = [];

  let source: FabricInstallation['source'];
  let moduleVersion: string | undefined;
  if (await tryReleaseArchive(cacheDir, progress, notes)) {
    source = 'release-archive';
  } else {
    moduleVersion = await goInstallFabric(binDir, configDir, progress, notes);
    source = 'go-install';
  }
  const caAvailable = await goInstallFabricCa(binDir, progress, notes);

  progress('Verifying peer version');
  let version: string;
  try {
    version = await peerVersion(binDir);
  } catch (error) {
    throw new FabricInstallError(
      'verify',
      (error as Error).message,
      `delete ${cacheDir} and run "npm run install:fabric" again`,
    );
  }
  const stamp: InstallStamp = {
    version,
    moduleVersion,
    source,
    caAvailable,
    notes,
    installedAt: new Date().toISOString(),
  };
  await writeFile(path.join(cacheDir, 'install.json'), JSON.stringify(stamp, null, 2) + '\n');
  progress(`Fabric ${version} installed in ${binDir}`);
  return { binDir, configDir, version, source, caAvailable, notes };
}

async function tryReleaseArchive(
  cacheDir: string,
  progress: InstallProgress,
  notes: string[],
): Promise<boolean> {
  if (process.platform !== 'linux' || process.arch !== 'x64') return false;
  progress(`Trying the release archive ${RELEASE_ARCHIVE_URL}`);
  const archive = path.join(cacheDir, 'release.tar.gz');
  try {
    // A short deadline for the first byte: a closed network should cost seconds, not minutes.
    const response = await fetch(RELEASE_ARCHIVE_URL, { signal: AbortSignal.timeout(8_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = Buffer.from(await response.arrayBuffer());
    await writeFile(archive, body);
    await execCommand('tar', ['-xzf', archive, '-C', cacheDir, 'bin', 'config']);
    await rm(archive, { force: true });
    return hasAll(path.join(cacheDir, 'bin'), REQUIRED_BINARIES);
  } catch (error) {
    const reason =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    progress(`Release archive not reachable (${reason}); building from source with go install`);
    notes.push(`release archive unreachable: ${reason}`);
    await rm(archive, { force: true });
    return false;
  }
}

function goEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    GOTOOLCHAIN: 'local',
    // The checksum database may be out of reach while the proxy answers; dependencies are still
    // verified against Fabric's own go.sum (see DESIGN §4).
    GONOSUMDB: [process.env.GONOSUMDB, 'github.com/hyperledger'].filter(Boolean).join(','),
    GOFLAGS: '-buildvcs=false -mod=mod',
    ...extra,
  };
}

interface ModuleDownload {
  Dir?: string;
  Error?: string;
}

async function downloadModule(modulePath: string, version: string, workDir: string): Promise<string> {
  try {
    const { stdout } = await execCommand('go', ['mod', 'download', '-json', `${modulePath}@${version}`], {
      cwd: workDir,
      env: goEnv(),
      timeoutMs: 15 * 60_000,
    });
    const info = JSON.parse(stdout.toString()) as ModuleDownload;
    if (info.Error || !info.Dir) throw new Error(info.Error ?? 'no module directory reported');
    return info.Dir;
  } catch (error) {
    if (error instanceof CommandError) {
      // `go mod download -json` prints the JSON error on stdout and exits 1.
      const reported = error.stdout ? (JSON.parse(error.stdout) as ModuleDownload).Error : undefined;
      throw new Error(lastLines(reported || error.stderr || error.message, 4), { cause: error });
    }
    throw error;
  }
}

/**
 * `go install pkg@version` also looks up the module's deprecation through the proxy's version
 * list, which this proxy refuses; building inside a throw-away module that requires the pinned
 * version avoids that lookup and keeps every dependency pinned by the module's own go.sum.
 */
async function buildInTempModule(opts: {
  modulePath: string;
  version: string;
  moduleDir: string;
  packages: string[];
  binDir: string;
  ldflags?: string;
  tags?: string;
  cgo: boolean;
  progress: InstallProgress;
}): Promise<void> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'medfabric-gobuild-'));
  try {
    await writeFile(
      path.join(workDir, 'go.mod'),
      `module medfabric.local/fabric-build\n\ngo 1.16\n\nrequire ${opts.modulePath} ${opts.version}\n`,
    );
    await copyFile(path.join(opts.moduleDir, 'go.sum'), path.join(workDir, 'go.sum'));
    await chmod(path.join(workDir, 'go.sum'), 0o644);
    const args = ['install', '-trimpath'];
    if (opts.ldflags) args.push('-ldflags', opts.ldflags);
    if (opts.tags) args.push('-tags', opts.tags);
    args.push(...opts.packages);
    let built = 0;
    await execCommand('go', args, {
      cwd: workDir,
      env: goEnv({ GOBIN: opts.binDir, CGO_ENABLED: opts.cgo ? '1' : '0' }),
      timeoutMs: 40 * 60_000,
      onLine: (line) => {
        if (line.startsWith('go: downloading')) {
          built += 1;
          if (built % 20 === 0) opts.progress(`  … ${built} modules downloaded`);
        }
      },
    });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function goInstallFabric(
  binDir: string,
  configDir: string,
  progress: InstallProgress,
  notes: string[],
): Promise<string> {
  try {
    await execCommand('go', ['version'], { timeoutMs: 20_000 });
  } catch {
    throw new FabricInstallError(
      'go',
      'the Go toolchain is not installed',
      'install Go ≥ 1.26 (https://go.dev/dl) or set FABRIC_BIN to a Fabric v3 release bin/ folder',
    );
  }
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'medfabric-gomod-'));
  try {
    let chosen = FABRIC_PINNED;
    let moduleDir: string;
    progress(`Downloading ${FABRIC_MODULE} ${FABRIC_PINNED.label} (${FABRIC_PINNED.moduleVersion})`);
    try {
      moduleDir = await downloadModule(FABRIC_MODULE, FABRIC_PINNED.moduleVersion, workDir);
    } catch (pinnedError) {
      const reason = (pinnedError as Error).message;
      const note =
        `Fabric ${FABRIC_PINNED.label} (commit ${FABRIC_PINNED.commit.slice(0, 12)}) is not served by the Go module proxy: ${reason}. ` +
        `Using Fabric ${FABRIC_FALLBACK.label} (${FABRIC_FALLBACK.moduleVersion}), the newest v3 commit the proxy serves.`;
      progress(`WARNING: ${note}`);
      notes.push(note);
      chosen = FABRIC_FALLBACK;
      try {
        moduleDir = await downloadModule(FABRIC_MODULE, FABRIC_FALLBACK.moduleVersion, workDir);
      } catch (fallbackError) {
        throw new FabricInstallError(
          'go mod download',
          `neither ${FABRIC_PINNED.moduleVersion} nor ${FABRIC_FALLBACK.moduleVersion} of ${FABRIC_MODULE} could be downloaded: ${(fallbackError as Error).message}`,
          'check that the Go module proxy (go env GOPROXY) is reachable, or set FABRIC_BIN to a Fabric v3 release bin/ folder',
        );
      }
    }
    progress(
      `Building peer, orderer, configtxgen, configtxlator, osnadmin (${chosen.label}); first time takes a few minutes`,
    );
    const meta = `${FABRIC_MODULE}/common/metadata`;
    try {
      await buildInTempModule({
        modulePath: FABRIC_MODULE,
        version: chosen.moduleVersion,
        moduleDir,
        packages: REQUIRED_BINARIES.map((name) => `${FABRIC_MODULE}/cmd/${name}`),
        binDir,
        ldflags: `-X ${meta}.Version=${chosen.label} -X ${meta}.CommitSHA=${chosen.commit.slice(0, 12)}`,
        cgo: false,
        progress,
      });
    } catch (error) {
      throw new FabricInstallError(
        'go install',
        (error as Error).message,
        'read the Go error above; a network error means the module proxy is out of reach (retry), a compile error means the Go toolchain is too old',
      );
    }
    progress('Copying sample configuration (core.yaml, orderer.yaml, configtx.yaml)');
    for (const name of SAMPLE_CONFIGS) {
      const target = path.join(configDir, name);
      await copyFile(path.join(moduleDir, 'sampleconfig', name), target);
      await chmod(target, 0o644);
    }
    return chosen.moduleVersion;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** fabric-ca is optional (Fabric CA enrollment); a failure is reported, not fatal. */
async function goInstallFabricCa(
  binDir: string,
  progress: InstallProgress,
  notes: string[],
): Promise<boolean> {
  if (hasAll(binDir, CA_BINARIES)) return true;
  const module = 'github.com/hyperledger/fabric-ca';
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'medfabric-gomod-'));
  try {
    progress(`Building fabric-ca-server and fabric-ca-client ${FABRIC_CA_VERSION}`);
    const moduleDir = await downloadModule(module, FABRIC_CA_VERSION, workDir);
    // The server needs cgo for its default sqlite database; the client is built without it.
    await buildInTempModule({
      modulePath: module,
      version: FABRIC_CA_VERSION,
      moduleDir,
      packages: [`${module}/cmd/fabric-ca-server`],
      binDir,
      cgo: true,
      progress,
    });
    await buildInTempModule({
      modulePath: module,
      version: FABRIC_CA_VERSION,
      moduleDir,
      packages: [`${module}/cmd/fabric-ca-client`],
      binDir,
      tags: 'caclient',
      cgo: false,
      progress,
    });
    return true;
  } catch (error) {
    const note = `fabric-ca ${FABRIC_CA_VERSION} not installed (Fabric CA enrollment unavailable): ${lastLines((error as Error).message, 3)}`;
    progress(`WARNING: ${note}`);
    notes.push(note);
    return false;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
