// After the consortium chaincode is committed: fix the regulator and register every hospital and
// insurer of the profile in the chaincode's member registry. Idempotent (reads GetMembers first).
import { describeFabricError, retryWhileDiscovering } from '../gateway/gateway-client';
import type { NetworkRuntime } from '../runtime/network-runtime';

interface Member {
  mspId: string;
  kind: string;
}

export async function initConsortium(runtime: NetworkRuntime, chaincodeName: string): Promise<void> {
  const regulator = runtime.topology.peerOrgs.find((org) => org.role === 'regulator');
  if (!regulator) return;
  const peer = runtime.firstPeerOf(regulator);
  const connection = runtime.gateway(peer);
  try {
    const contract = connection.gateway.getNetwork(runtime.channel).getContract(chaincodeName, 'Consortium');
    const action = 'initialise the consortium member registry';
    try {
      const members = JSON.parse(
        Buffer.from(await contract.evaluateTransaction('GetMembers')).toString(),
      ) as Member[];
      if (!members.some((m) => m.kind === 'regulator')) {
        runtime.progress('Consortium', `registering ${regulator.mspId} as the regulator`);
        await retryWhileDiscovering(() => contract.submitTransaction('InitConsortium', regulator.mspId));
      }
      for (const org of runtime.topology.peerOrgs) {
        if (org === regulator || members.some((m) => m.mspId === org.mspId)) continue;
        runtime.progress('Consortium', `registering ${org.mspId} as ${org.role}`);
        await retryWhileDiscovering(() =>
          contract.submitTransaction('RegisterMember', org.mspId, org.role, org.name),
        );
      }
    } catch (error) {
      throw describeFabricError(error, connection.endpoint, action);
    }
  } finally {
    connection.close();
  }
}
