// Per-node configuration: a patched copy of Fabric's sample core.yaml for each peer, and the
// environment for each orderer. All paths absolute, every listener on 127.0.0.1.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { NodeTopology } from './profile';
import type { StateLayout } from './state-layout';

export interface NodeTlsPaths {
  cert: string;
  key: string;
  ca: string;
}

type YamlMap = Record<string, unknown>;

function child(map: YamlMap, key: string): YamlMap {
  const value = map[key];
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as YamlMap;
  const created: YamlMap = {};
  map[key] = created;
  return created;
}

/** Writes <node>/config/core.yaml and returns the environment to start `peer node start` with. */
export async function writePeerConfig(opts: {
  node: NodeTopology;
  layout: StateLayout;
  fabricConfigDir: string;
  mspDir: string;
  tls: NodeTlsPaths;
  builderDir: string;
}): Promise<NodeJS.ProcessEnv> {
  const { node, layout } = opts;
  const configDir = layout.nodeConfigDir(node.id);
  const dataDir = layout.nodeDataDir(node.id);
  await mkdir(configDir, { recursive: true });
  await mkdir(dataDir, { recursive: true });
  const core = parseYaml(await readFile(path.join(opts.fabricConfigDir, 'core.yaml'), 'utf8')) as YamlMap;

  const peer = child(core, 'peer');
  peer.id = node.id;
  peer.listenAddress = `127.0.0.1:${node.listenPort}`;
  peer.address = node.address;
  peer.chaincodeListenAddress = `127.0.0.1:${node.chaincodePort}`;
  peer.chaincodeAddress = `127.0.0.1:${node.chaincodePort}`;
  peer.localMspId = node.org.mspId;
  peer.mspConfigPath = opts.mspDir;
  peer.fileSystemPath = dataDir;
  const gossip = child(peer, 'gossip');
  gossip.bootstrap = node.address;
  gossip.endpoint = node.address;
  // Other orgs learn this peer from its external endpoint (discovery needs it for endorsement plans).
  gossip.externalEndpoint = node.address;
  gossip.useLeaderElection = false;
  gossip.orgLeader = true;
  const tls = child(peer, 'tls');
  tls.enabled = true;
  tls.clientAuthRequired = false;
  child(tls, 'cert').file = opts.tls.cert;
  child(tls, 'key').file = opts.tls.key;
  child(tls, 'rootcert').file = opts.tls.ca;
  child(peer, 'gateway').enabled = true;
  child(peer, 'discovery').enabled = true;

  // No Docker: an empty endpoint disables the Docker VM; chaincode runs as a service (CCaaS).
  child(core, 'vm').endpoint = '';
  const chaincode = child(core, 'chaincode');
  chaincode.externalBuilders = [
    { name: 'ccaas', path: opts.builderDir, propagateEnvironment: ['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG'] },
  ];
  const ledger = child(core, 'ledger');
  child(ledger, 'state').stateDatabase = 'goleveldb';
  child(ledger, 'snapshots').rootDir = path.join(dataDir, 'snapshots');
  const operations = child(core, 'operations');
  operations.listenAddress = `127.0.0.1:${node.operationsPort}`;
  child(operations, 'tls').enabled = false;
  child(core, 'metrics').provider = 'prometheus';

  await writeFile(path.join(configDir, 'core.yaml'), stringifyYaml(core));
  return {
    FABRIC_CFG_PATH: configDir,
    FABRIC_LOGGING_SPEC: 'INFO:gossip=WARNING:msp=WARNING',
  };
}

/** Copies orderer.yaml into the node's config dir and returns the ORDERER_* environment. */
export async function writeOrdererConfig(opts: {
  node: NodeTopology;
  layout: StateLayout;
  fabricConfigDir: string;
  mspDir: string;
  tls: NodeTlsPaths;
}): Promise<NodeJS.ProcessEnv> {
  const { node, layout } = opts;
  const configDir = layout.nodeConfigDir(node.id);
  const dataDir = layout.nodeDataDir(node.id);
  await mkdir(configDir, { recursive: true });
  await mkdir(dataDir, { recursive: true });
  await copyFile(path.join(opts.fabricConfigDir, 'orderer.yaml'), path.join(configDir, 'orderer.yaml'));
  return {
    FABRIC_CFG_PATH: configDir,
    FABRIC_LOGGING_SPEC: 'INFO',
    ORDERER_GENERAL_LISTENADDRESS: '127.0.0.1',
    ORDERER_GENERAL_LISTENPORT: String(node.listenPort),
    ORDERER_GENERAL_LOCALMSPID: node.org.mspId,
    ORDERER_GENERAL_LOCALMSPDIR: opts.mspDir,
    ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
    ORDERER_GENERAL_TLS_ENABLED: 'true',
    ORDERER_GENERAL_TLS_CERTIFICATE: opts.tls.cert,
    ORDERER_GENERAL_TLS_PRIVATEKEY: opts.tls.key,
    ORDERER_GENERAL_TLS_ROOTCAS: `[${opts.tls.ca}]`,
    // Raft reuses the main TLS listener; the server certificate doubles as the cluster client one.
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: opts.tls.cert,
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: opts.tls.key,
    ORDERER_GENERAL_CLUSTER_ROOTCAS: `[${opts.tls.ca}]`,
    ORDERER_FILELEDGER_LOCATION: path.join(dataDir, 'ledger'),
    ORDERER_CONSENSUS_WALDIR: path.join(dataDir, 'etcdraft', 'wal'),
    ORDERER_CONSENSUS_SNAPDIR: path.join(dataDir, 'etcdraft', 'snapshot'),
    ORDERER_OPERATIONS_LISTENADDRESS: `127.0.0.1:${node.operationsPort}`,
    ORDERER_OPERATIONS_TLS_ENABLED: 'false',
    ORDERER_METRICS_PROVIDER: 'prometheus',
    ORDERER_ADMIN_LISTENADDRESS: `127.0.0.1:${node.adminPort}`,
    ORDERER_ADMIN_TLS_ENABLED: 'true',
    ORDERER_ADMIN_TLS_CERTIFICATE: opts.tls.cert,
    ORDERER_ADMIN_TLS_PRIVATEKEY: opts.tls.key,
    ORDERER_ADMIN_TLS_ROOTCAS: `[${opts.tls.ca}]`,
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
    ORDERER_ADMIN_TLS_CLIENTROOTCAS: `[${opts.tls.ca}]`,
    ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
  };
}
