// The parts of a channel configuration the index and the integrity audit need: every org's MSP
// (root and intermediate CA certificates), which orgs are orderer orgs, the consenters (BFT
// signatures name a consenter by id) and the capabilities. Read from a CONFIG envelope's payload.
import { createHash } from 'node:crypto';
import { common, msp, orderer } from '@hyperledger/fabric-protos';

export type ConfigGroupName = 'Orderer' | 'Application';

export interface MspInfo {
  mspId: string;
  /** The org's group name in the channel config (e.g. HospitalOrg). */
  orgName: string;
  group: ConfigGroupName;
  rootCerts: string[];
  intermediateCerts: string[];
}

export interface ConsenterInfo {
  id: number;
  mspId: string;
  host: string;
  port: number;
  /** PEM of the consenter's signing identity (BFT only). */
  identity: string;
}

export interface ChannelConfigInfo {
  sequence: number;
  msps: MspInfo[];
  consenters: ConsenterInfo[];
  consensusType: string | null;
  capabilities: { channel: string[]; orderer: string[]; application: string[] };
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function mapEntries<V>(map: {
  forEach(callback: (value: V, key: string) => void): void;
}): Array<[string, V]> {
  const entries: Array<[string, V]> = [];
  map.forEach((value, key) => entries.push([key, value]));
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function capabilitiesOf(group: common.ConfigGroup | undefined): string[] {
  const value = group?.getValuesMap().get('Capabilities');
  if (!value) return [];
  const capabilities = common.Capabilities.deserializeBinary(value.getValue_asU8());
  return mapEntries(capabilities.getCapabilitiesMap()).map(([name]) => name);
}

function orgMsps(group: common.ConfigGroup | undefined, name: ConfigGroupName): MspInfo[] {
  if (!group) return [];
  const result: MspInfo[] = [];
  for (const [orgName, orgGroup] of mapEntries(group.getGroupsMap())) {
    const value = orgGroup.getValuesMap().get('MSP');
    if (!value) continue;
    const mspConfig = msp.MSPConfig.deserializeBinary(value.getValue_asU8());
    if (mspConfig.getType() !== 0) continue; // 0 = FABRIC (X.509); idemix orgs cannot sign blocks
    const fabric = msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
    result.push({
      mspId: fabric.getName(),
      orgName,
      group: name,
      rootCerts: fabric.getRootCertsList_asU8().map(utf8),
      intermediateCerts: fabric.getIntermediateCertsList_asU8().map(utf8),
    });
  }
  return result;
}

/** Decodes the Config of a CONFIG transaction's payload data (a common.ConfigEnvelope). */
export function channelConfigFromEnvelopeData(payloadData: Uint8Array): ChannelConfigInfo {
  const envelope = common.ConfigEnvelope.deserializeBinary(payloadData);
  const config = envelope.getConfig();
  if (!config) throw new Error('config envelope has no config');
  const channel = config.getChannelGroup();
  const ordererGroup = channel?.getGroupsMap().get('Orderer');
  const applicationGroup = channel?.getGroupsMap().get('Application');

  const consensus = ordererGroup?.getValuesMap().get('ConsensusType');
  const consensusType = consensus
    ? orderer.ConsensusType.deserializeBinary(consensus.getValue_asU8()).getType()
    : null;
  const orderersValue = ordererGroup?.getValuesMap().get('Orderers');
  const consenters = orderersValue
    ? common.Orderers.deserializeBinary(orderersValue.getValue_asU8())
        .getConsenterMappingList()
        .map((consenter) => ({
          id: consenter.getId(),
          mspId: consenter.getMspId(),
          host: consenter.getHost(),
          port: consenter.getPort(),
          identity: utf8(consenter.getIdentity_asU8()),
        }))
    : [];
  return {
    sequence: config.getSequence(),
    msps: [...orgMsps(ordererGroup, 'Orderer'), ...orgMsps(applicationGroup, 'Application')],
    consenters,
    consensusType: consensusType || null,
    capabilities: {
      channel: capabilitiesOf(channel),
      orderer: capabilitiesOf(ordererGroup),
      application: capabilitiesOf(applicationGroup),
    },
  };
}

/** SHA-256 (lower-case hex) of a PEM certificate's DER: the index stores fingerprints, not subjects. */
export function certificateFingerprint(pem: string | Uint8Array): string | null {
  const text = typeof pem === 'string' ? pem : utf8(pem);
  const match = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(text);
  if (!match?.[1]) return null;
  const der = Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
  return der.length === 0 ? null : createHash('sha256').update(der).digest('hex');
}
