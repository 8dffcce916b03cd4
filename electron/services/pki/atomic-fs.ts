import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface FileToWrite {
  /** Path relative to the directory being written. */
  path: string;
  content: string;
  mode: number;
}

/** Modes for everything this module writes: secrets owner-only, certificates world-readable. */
export const SECRET_FILE_MODE = 0o600;
export const SECRET_DIR_MODE = 0o700;
export const PUBLIC_FILE_MODE = 0o644;
export const PUBLIC_DIR_MODE = 0o755;

const TEMP_MARKER = '.tmp-';
const OLD_MARKER = '.old-';

export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Writes and fsyncs one file; the mode is applied at creation so a secret is never briefly readable. */
export async function writeFileDurably(path: string, content: string, mode: number): Promise<void> {
  const handle = await open(path, 'w', mode);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes a file through a sibling temp file and rename, so readers see the old or the new content. */
export async function writeFileAtomically(path: string, content: string, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}${TEMP_MARKER}${randomBytes(6).toString('hex')}`;
  try {
    await writeFileDurably(temp, content, mode);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Removes temp/backup siblings left behind by an interrupted writeDirectoryAtomically(dir). */
async function removeStaleSiblings(dir: string): Promise<void> {
  const parent = dirname(dir);
  const name = basename(dir);
  for (const entry of await readdir(parent)) {
    if (entry.startsWith(`${name}${TEMP_MARKER}`) || entry.startsWith(`${name}${OLD_MARKER}`)) {
      await rm(join(parent, entry), { recursive: true, force: true });
    }
  }
}

/**
 * Builds the whole directory next to its destination, then swaps it in with rename, so a crash
 * leaves either the previous directory or the complete new one, never a half-written one.
 */
export async function writeDirectoryAtomically(
  dir: string,
  files: FileToWrite[],
  subdirModes: Record<string, number> = {},
): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  await removeStaleSiblings(dir);
  const suffix = randomBytes(6).toString('hex');
  const temp = `${dir}${TEMP_MARKER}${suffix}`;
  const old = `${dir}${OLD_MARKER}${suffix}`;
  try {
    await mkdir(temp, { mode: PUBLIC_DIR_MODE });
    for (const [subdir, mode] of Object.entries(subdirModes))
      await mkdir(join(temp, subdir), { recursive: true, mode });
    for (const file of files) {
      await mkdir(dirname(join(temp, file.path)), { recursive: true, mode: PUBLIC_DIR_MODE });
      await writeFileDurably(join(temp, file.path), file.content, file.mode);
    }
    const hadPrevious = await pathExists(dir);
    // rename() cannot replace a non-empty directory, so the previous one steps aside first.
    if (hadPrevious) await rename(dir, old);
    try {
      await rename(temp, dir);
    } catch (error) {
      if (hadPrevious) await rename(old, dir);
      throw error;
    }
    if (hadPrevious) await rm(old, { recursive: true, force: true });
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
