// Where a network keeps its state (MEDFABRIC_HOME). Generated state never goes into git.
import os from 'node:os';
import path from 'node:path';

export function defaultStateDir(): string {
  if (process.env.MEDFABRIC_HOME) return path.resolve(process.env.MEDFABRIC_HOME);
  if (process.platform === 'darwin')
    return path.join(os.homedir(), 'Library', 'Application Support', 'MedFabric');
  if (process.platform === 'win32') {
    return path.join(process.env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'MedFabric');
  }
  return path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'medfabric');
}

export class StateLayout {
  constructor(readonly root: string) {}

  get cryptoDir(): string {
    return path.join(this.root, 'crypto');
  }
  get keystoreDir(): string {
    return path.join(this.root, 'keystore');
  }
  get logDir(): string {
    return path.join(this.root, 'logs');
  }
  get runDir(): string {
    return path.join(this.root, 'run');
  }
  get channelDir(): string {
    return path.join(this.root, 'channel');
  }
  get chaincodeDir(): string {
    return path.join(this.root, 'chaincode');
  }
  /** Records what has been bootstrapped (channel joined, chaincode committed) so `up` can resume. */
  get networkFile(): string {
    return path.join(this.root, 'network.json');
  }
  get supervisorPidFile(): string {
    return path.join(this.runDir, 'supervisor.pid');
  }
  get statusFile(): string {
    return path.join(this.runDir, 'status.json');
  }
  nodeDir(nodeId: string): string {
    return path.join(this.root, 'nodes', nodeId);
  }
  nodeConfigDir(nodeId: string): string {
    return path.join(this.nodeDir(nodeId), 'config');
  }
  nodeDataDir(nodeId: string): string {
    return path.join(this.nodeDir(nodeId), 'data');
  }
}
