// Publishing a Fabric CA's CRL in the channel: the org's MSP definition gets the CRL in its
// revocation_list (replacing an older CRL of the same CA, since fabric-ca CRLs are cumulative).
// The org group's mod_policy is the org's Admins, so the org admin's signature alone suffices.
// Peers rebuild their MSPs from the new config block and refuse the revoked identities.
import 'reflect-metadata';
import { X509Crl } from '@peculiar/x509';
import { findOrg, setOrgMsp } from '../channel/config-edits';
import type { ChannelConfig } from '../channel/config-tree';
import { channelOrgMsps, decodeMsp, VALUE_KEYS, type FabricMspDefinition } from '../channel/config-values';
import { createBundle } from '../channel/update-bundle';
import { computeConfigUpdate } from '../channel/update-compute';
import { fetchChannelConfig, submitBundleWithRuntime, type SubmitResult } from '../channel/update-submit';
import type { NetworkRuntime } from '../runtime/network-runtime';

export class CrlPublicationError extends Error {
  override name = 'CrlPublicationError';
}

/** The Application/Orderer group holding `mspId` (group names usually equal MSP IDs, but need not). */
export function orgGroupNameOf(config: ChannelConfig, mspId: string): string {
  if (findOrg(config, mspId)) return mspId;
  const holder = channelOrgMsps(config).find((org) => org.msp.name === mspId);
  if (!holder) throw new CrlPublicationError(`the channel has no organization with MSP ID ${mspId}`);
  return holder.groupName;
}

function crlIdentity(pem: string): { issuer: string; aki: string } {
  const crl = new X509Crl(pem);
  const aki = crl.extensions.find((extension) => extension.type === '2.5.29.35');
  return { issuer: crl.issuer, aki: aki ? Buffer.from(aki.value).toString('hex') : '' };
}

/**
 * The channel config with `crlPem` in `mspId`'s revocation_list; an older CRL from the same
 * issuer (same issuer name and AKI) is replaced. Throws if the config already has exactly this CRL.
 */
export function withPublishedCrl(config: ChannelConfig, mspId: string, crlPem: string): ChannelConfig {
  const groupName = orgGroupNameOf(config, mspId);
  const found = findOrg(config, groupName);
  const value = found?.group.values[VALUE_KEYS.msp];
  if (!value) throw new CrlPublicationError(`${mspId} has no MSP value in the channel config`);
  const current = decodeMsp(value.value);
  if (current.type !== 'fabric') throw new CrlPublicationError(`${mspId} is not an X.509 (fabric) MSP`);
  const incoming = crlIdentity(crlPem);
  const normalised = crlPem.endsWith('\n') ? crlPem : `${crlPem}\n`;
  if (current.revocationList.some((existing) => existing.trim() === normalised.trim())) {
    throw new CrlPublicationError(`this CRL is already published for ${mspId}`);
  }
  const kept = current.revocationList.filter((existing) => {
    const other = crlIdentity(existing);
    return !(other.issuer === incoming.issuer && other.aki === incoming.aki);
  });
  const next: FabricMspDefinition = { ...current, revocationList: [...kept, normalised] };
  return setOrgMsp(config, groupName, next);
}

/** The channel config with `mspId`'s revocation_list set to `crlPems` (e.g. to restore it). */
export function withRevocationList(
  config: ChannelConfig,
  mspId: string,
  crlPems: readonly string[],
): ChannelConfig {
  const groupName = orgGroupNameOf(config, mspId);
  const value = findOrg(config, groupName)?.group.values[VALUE_KEYS.msp];
  if (!value) throw new CrlPublicationError(`${mspId} has no MSP value in the channel config`);
  const current = decodeMsp(value.value);
  if (current.type !== 'fabric') throw new CrlPublicationError(`${mspId} is not an X.509 (fabric) MSP`);
  return setOrgMsp(config, groupName, { ...current, revocationList: [...crlPems] });
}

/** The revocation_list of `mspId` in the channel config (PEM CRLs). */
export function revocationListOf(config: ChannelConfig, mspId: string): string[] {
  const value = findOrg(config, orgGroupNameOf(config, mspId))?.group.values[VALUE_KEYS.msp];
  if (!value) return [];
  const definition = decodeMsp(value.value);
  return definition.type === 'fabric' ? definition.revocationList : [];
}

async function submitOrgMspChange(
  runtime: NetworkRuntime,
  mspId: string,
  change: (config: ChannelConfig) => ChannelConfig,
  description: string,
): Promise<SubmitResult> {
  const info = await fetchChannelConfig(runtime);
  const update = computeConfigUpdate(info.config, change(info.config), runtime.channel);
  const admin = runtime.adminIdentity(mspId);
  const bundle = await createBundle({
    channel: runtime.channel,
    update,
    description,
    impact: [`${mspId} revocation_list changes; peers refuse the identities its CRLs revoke`],
    proposer: admin,
    baseSequence: info.config.sequence,
  });
  return submitBundleWithRuntime(runtime, bundle, mspId);
}

/**
 * Publishes a CRL for `mspId` on the runtime's channel, signed and submitted by the org's admin
 * (the org group's mod_policy is its Admins). Resolves once every peer serves the new config.
 */
export function publishCrl(runtime: NetworkRuntime, mspId: string, crlPem: string): Promise<SubmitResult> {
  return submitOrgMspChange(
    runtime,
    mspId,
    (config) => withPublishedCrl(config, mspId, crlPem),
    `Publish the CRL of ${mspId}'s CA`,
  );
}

/** Sets `mspId`'s revocation_list on the runtime's channel (restores an earlier state). */
export function setRevocationList(
  runtime: NetworkRuntime,
  mspId: string,
  crlPems: readonly string[],
): Promise<SubmitResult> {
  return submitOrgMspChange(
    runtime,
    mspId,
    (config) => withRevocationList(config, mspId, crlPems),
    `Set the revocation list of ${mspId}`,
  );
}
