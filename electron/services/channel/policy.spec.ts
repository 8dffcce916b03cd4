import { common, msp } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import { parseSignaturePolicy, PolicyError, signaturePolicyEnvelope } from './policy';

function principals(envelope: common.SignaturePolicyEnvelope): string[] {
  return envelope.getIdentitiesList().map((p) => {
    const role = msp.MSPRole.deserializeBinary(p.getPrincipal_asU8());
    return `${role.getMspIdentifier()}.${role.getRole()}`;
  });
}

describe('signature policy compiler', () => {
  it('compiles AND(A, OR(B, C)) to nested n-out-of rules with deduplicated principals', () => {
    const envelope = signaturePolicyEnvelope(
      "AND('RegulatorMSP.peer', OR('HospitalMSP.peer', 'InsurerMSP.peer', 'RegulatorMSP.peer'))",
    );
    const root = envelope.getRule()?.getNOutOf();
    expect(root?.getN()).toBe(2);
    const inner = root?.getRulesList()[1]?.getNOutOf();
    expect(inner?.getN()).toBe(1);
    expect(inner?.getRulesList().map((r) => r.getSignedBy())).toEqual([1, 2, 0]);
    expect(principals(envelope)).toEqual([
      `RegulatorMSP.${msp.MSPRole.MSPRoleType.PEER}`,
      `HospitalMSP.${msp.MSPRole.MSPRoleType.PEER}`,
      `InsurerMSP.${msp.MSPRole.MSPRoleType.PEER}`,
    ]);
  });

  it('supports OutOf and every role name', () => {
    const node = parseSignaturePolicy("OutOf(2, 'A.member', 'B.admin', 'C.client', 'D.orderer')");
    expect(node).toMatchObject({ kind: 'nOf', n: 2 });
  });

  it.each([
    ["AND('A.peer'", /unexpected end/],
    ["XOR('A.peer')", /unknown operator/],
    ["OR('A.superuser')", /not MSPID.role/],
    ["OutOf(3, 'A.peer', 'B.peer')", /has only 2 rules/],
    ["OR('A.peer') trailing", /unexpected/],
  ])('rejects %s with a clear reason', (policy, reason) => {
    expect(() => signaturePolicyEnvelope(policy)).toThrow(PolicyError);
    expect(() => signaturePolicyEnvelope(policy)).toThrow(reason);
  });
});
