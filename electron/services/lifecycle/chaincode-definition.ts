// Chaincode definitions through the `_lifecycle` system chaincode over the Gateway:
// approve for my org, check commit readiness, commit, and query what is committed.
import { peer } from '@hyperledger/fabric-protos';
import { signaturePolicyEnvelope } from '../channel/policy';
import { describeFabricError, type GatewayConnection } from '../gateway/gateway-client';

export interface CollectionDefinition {
  name: string;
  /** Signature policy naming the member orgs, e.g. OR('HospitalMSP.member', 'RegulatorMSP.member'). */
  memberPolicy: string;
  requiredPeerCount: number;
  maxPeerCount: number;
  blockToLive: number;
  memberOnlyRead: boolean;
  memberOnlyWrite: boolean;
}

export interface ChaincodeDefinition {
  name: string;
  version: string;
  sequence: number;
  endorsementPolicy: string;
  collections: CollectionDefinition[];
  initRequired: boolean;
}

export interface CommittedDefinition {
  name: string;
  version: string;
  sequence: number;
  approvals: Record<string, boolean>;
  collections: string[];
}

function collectionPackage(collections: CollectionDefinition[]): peer.CollectionConfigPackage | undefined {
  if (collections.length === 0) return undefined;
  const pkg = new peer.CollectionConfigPackage();
  pkg.setConfigList(
    collections.map((collection) => {
      const staticConfig = new peer.StaticCollectionConfig();
      staticConfig.setName(collection.name);
      const policy = new peer.CollectionPolicyConfig();
      policy.setSignaturePolicy(signaturePolicyEnvelope(collection.memberPolicy));
      staticConfig.setMemberOrgsPolicy(policy);
      staticConfig.setRequiredPeerCount(collection.requiredPeerCount);
      staticConfig.setMaximumPeerCount(collection.maxPeerCount);
      staticConfig.setBlockToLive(collection.blockToLive);
      staticConfig.setMemberOnlyRead(collection.memberOnlyRead);
      staticConfig.setMemberOnlyWrite(collection.memberOnlyWrite);
      const config = new peer.CollectionConfig();
      config.setStaticCollectionConfig(staticConfig);
      return config;
    }),
  );
  return pkg;
}

function validationParameter(endorsementPolicy: string): Uint8Array {
  const policy = new peer.ApplicationPolicy();
  policy.setSignaturePolicy(signaturePolicyEnvelope(endorsementPolicy));
  return policy.serializeBinary();
}

/** The setters shared by the approve, check-readiness and commit argument messages. */
interface DefinitionArgs {
  setName(value: string): void;
  setVersion(value: string): void;
  setSequence(value: number): void;
  setValidationParameter(value: Uint8Array): void;
  setCollections(value?: peer.CollectionConfigPackage): void;
  setInitRequired(value: boolean): void;
  serializeBinary(): Uint8Array;
}

function withDefinition<T extends DefinitionArgs>(args: T, definition: ChaincodeDefinition): T {
  args.setName(definition.name);
  args.setVersion(definition.version);
  args.setSequence(definition.sequence);
  args.setValidationParameter(validationParameter(definition.endorsementPolicy));
  const collections = collectionPackage(definition.collections);
  if (collections) args.setCollections(collections);
  args.setInitRequired(definition.initRequired);
  return args;
}

/** Approves the definition for the connection's org, pointing it at its installed package. */
export async function approveForMyOrg(
  connection: GatewayConnection,
  channel: string,
  definition: ChaincodeDefinition,
  packageId: string,
): Promise<void> {
  const args = withDefinition(new peer.lifecycle.ApproveChaincodeDefinitionForMyOrgArgs(), definition);
  const source = new peer.lifecycle.ChaincodeSource();
  const local = new peer.lifecycle.ChaincodeSource.Local();
  local.setPackageId(packageId);
  source.setLocalPackage(local);
  args.setSource(source);
  const identityMsp = connection.gateway.getIdentity().mspId;
  try {
    await connection.gateway
      .getNetwork(channel)
      .getContract('_lifecycle')
      .submit('ApproveChaincodeDefinitionForMyOrg', {
        arguments: [args.serializeBinary()],
        endorsingOrganizations: [identityMsp],
      });
  } catch (error) {
    throw describeFabricError(
      error,
      connection.endpoint,
      `approve ${definition.name} sequence ${definition.sequence} for ${identityMsp}`,
    );
  }
}

export async function checkCommitReadiness(
  connection: GatewayConnection,
  channel: string,
  definition: ChaincodeDefinition,
): Promise<Record<string, boolean>> {
  const args = withDefinition(new peer.lifecycle.CheckCommitReadinessArgs(), definition);
  try {
    const result = await connection.gateway
      .getNetwork(channel)
      .getContract('_lifecycle')
      .evaluate('CheckCommitReadiness', { arguments: [args.serializeBinary()] });
    const readiness = peer.lifecycle.CheckCommitReadinessResult.deserializeBinary(result);
    return Object.fromEntries(readiness.getApprovalsMap().toArray());
  } catch (error) {
    throw describeFabricError(error, connection.endpoint, `check commit readiness of ${definition.name}`);
  }
}

export async function commitDefinition(
  connection: GatewayConnection,
  channel: string,
  definition: ChaincodeDefinition,
  endorsingOrganizations: string[],
): Promise<void> {
  const args = withDefinition(new peer.lifecycle.CommitChaincodeDefinitionArgs(), definition);
  try {
    await connection.gateway
      .getNetwork(channel)
      .getContract('_lifecycle')
      .submit('CommitChaincodeDefinition', { arguments: [args.serializeBinary()], endorsingOrganizations });
  } catch (error) {
    throw describeFabricError(
      error,
      connection.endpoint,
      `commit ${definition.name} sequence ${definition.sequence}`,
    );
  }
}

/** The committed definition of `name`, or undefined when none is committed. */
export async function queryCommitted(
  connection: GatewayConnection,
  channel: string,
  name: string,
): Promise<CommittedDefinition | undefined> {
  const args = new peer.lifecycle.QueryChaincodeDefinitionArgs();
  args.setName(name);
  try {
    const result = await connection.gateway
      .getNetwork(channel)
      .getContract('_lifecycle')
      .evaluate('QueryChaincodeDefinition', { arguments: [args.serializeBinary()] });
    const definition = peer.lifecycle.QueryChaincodeDefinitionResult.deserializeBinary(result);
    return {
      name,
      version: definition.getVersion(),
      sequence: definition.getSequence(),
      approvals: Object.fromEntries(definition.getApprovalsMap().toArray()),
      collections: (definition.getCollections()?.getConfigList() ?? []).map(
        (config) => config.getStaticCollectionConfig()?.getName() ?? '',
      ),
    };
  } catch (error) {
    const described = describeFabricError(error, connection.endpoint, `query chaincode ${name}`);
    if (/namespace \S+ is not defined|not found/i.test(described.message)) return undefined;
    throw described;
  }
}

/**
 * Approves, for the connection's org, exactly the definition the channel has committed (same
 * sequence, policy bytes and collections): how an org that joined later runs the chaincode.
 * Returns the committed sequence, or undefined when nothing is committed yet.
 */
export async function approveCommittedDefinition(
  connection: GatewayConnection,
  channel: string,
  name: string,
  packageId: string,
): Promise<{ version: string; sequence: number } | undefined> {
  const query = new peer.lifecycle.QueryChaincodeDefinitionArgs();
  query.setName(name);
  const lifecycle = connection.gateway.getNetwork(channel).getContract('_lifecycle');
  let committed: peer.lifecycle.QueryChaincodeDefinitionResult;
  try {
    committed = peer.lifecycle.QueryChaincodeDefinitionResult.deserializeBinary(
      await lifecycle.evaluate('QueryChaincodeDefinition', { arguments: [query.serializeBinary()] }),
    );
  } catch (error) {
    const described = describeFabricError(error, connection.endpoint, `query chaincode ${name}`);
    if (/namespace \S+ is not defined|not found/i.test(described.message)) return undefined;
    throw described;
  }
  const mspId = connection.gateway.getIdentity().mspId;
  if (committed.getApprovalsMap().get(mspId))
    return { version: committed.getVersion(), sequence: committed.getSequence() };
  const args = new peer.lifecycle.ApproveChaincodeDefinitionForMyOrgArgs();
  args.setName(name);
  args.setVersion(committed.getVersion());
  args.setSequence(committed.getSequence());
  args.setEndorsementPlugin(committed.getEndorsementPlugin());
  args.setValidationPlugin(committed.getValidationPlugin());
  args.setValidationParameter(committed.getValidationParameter_asU8());
  const collections = committed.getCollections();
  if (collections) args.setCollections(collections);
  args.setInitRequired(committed.getInitRequired());
  const source = new peer.lifecycle.ChaincodeSource();
  const local = new peer.lifecycle.ChaincodeSource.Local();
  local.setPackageId(packageId);
  source.setLocalPackage(local);
  args.setSource(source);
  try {
    await lifecycle.submit('ApproveChaincodeDefinitionForMyOrg', {
      arguments: [args.serializeBinary()],
      endorsingOrganizations: [mspId],
    });
  } catch (error) {
    throw describeFabricError(
      error,
      connection.endpoint,
      `approve committed ${name} sequence ${committed.getSequence()} for ${mspId}`,
    );
  }
  return { version: committed.getVersion(), sequence: committed.getSequence() };
}
