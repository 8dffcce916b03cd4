// One supervisor per state directory: the CLI daemon or the console process, never both.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isAlive } from './probes';
import type { StateLayout } from './state-layout';

export interface SupervisorInfo {
  pid: number;
  kind: 'cli-daemon' | 'console';
  startedAt: string;
}

export async function readSupervisor(layout: StateLayout): Promise<SupervisorInfo | undefined> {
  if (!existsSync(layout.supervisorPidFile)) return undefined;
  const info = JSON.parse(await readFile(layout.supervisorPidFile, 'utf8')) as SupervisorInfo;
  return isAlive(info.pid) ? info : undefined;
}

export class SupervisorBusyError extends Error {
  constructor(readonly holder: SupervisorInfo) {
    super(
      `the network in this state directory is already supervised by ${holder.kind === 'console' ? 'the console' : 'the CLI'} ` +
        `(pid ${holder.pid}, since ${holder.startedAt}); stop it first (npm run network -- down)`,
    );
    this.name = 'SupervisorBusyError';
  }
}

export async function acquireSupervisor(
  layout: StateLayout,
  kind: SupervisorInfo['kind'],
): Promise<() => Promise<void>> {
  const holder = await readSupervisor(layout);
  if (holder && holder.pid !== process.pid) throw new SupervisorBusyError(holder);
  await mkdir(path.dirname(layout.supervisorPidFile), { recursive: true });
  const info: SupervisorInfo = { pid: process.pid, kind, startedAt: new Date().toISOString() };
  await writeFile(layout.supervisorPidFile, JSON.stringify(info));
  return async () => {
    await rm(layout.supervisorPidFile, { force: true });
  };
}
