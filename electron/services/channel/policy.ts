// Fabric's signature-policy language ("AND('A.peer', OR('B.admin', 'C.member'))", OutOf(2, …))
// compiled to a SignaturePolicyEnvelope, as `peer lifecycle chaincode approveformyorg
// --signature-policy` does.
import { common, msp } from '@hyperledger/fabric-protos';

type PolicyNode =
  { kind: 'principal'; mspId: string; role: string } | { kind: 'nOf'; n: number; rules: PolicyNode[] };

export class PolicyError extends Error {
  constructor(policy: string, reason: string) {
    super(`invalid signature policy "${policy}": ${reason}`);
    this.name = 'PolicyError';
  }
}

const ROLES: Record<string, number> = {
  member: msp.MSPRole.MSPRoleType.MEMBER,
  admin: msp.MSPRole.MSPRoleType.ADMIN,
  client: msp.MSPRole.MSPRoleType.CLIENT,
  peer: msp.MSPRole.MSPRoleType.PEER,
  orderer: msp.MSPRole.MSPRoleType.ORDERER,
};

function tokenize(text: string, policy: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*(?:(\()|(\))|(,)|'([^']*)'|"([^"]*)"|([A-Za-z]+)|(\d+))/y;
  let position = 0;
  while (position < text.length) {
    if (/^\s*$/.test(text.slice(position))) break;
    pattern.lastIndex = position;
    const match = pattern.exec(text);
    if (!match)
      throw new PolicyError(
        policy,
        `unexpected text at position ${position}: "${text.slice(position, position + 12)}"`,
      );
    const token = match.slice(1).find((group) => group !== undefined);
    tokens.push(match[4] !== undefined || match[5] !== undefined ? `'${token}` : (token ?? ''));
    position = pattern.lastIndex;
  }
  return tokens;
}

export function parseSignaturePolicy(policy: string): PolicyNode {
  const tokens = tokenize(policy, policy);
  let index = 0;
  const next = (): string => {
    const token = tokens[index++];
    if (token === undefined) throw new PolicyError(policy, 'unexpected end');
    return token;
  };
  const expect = (value: string): void => {
    const token = next();
    if (token !== value) throw new PolicyError(policy, `expected "${value}" but found "${token}"`);
  };
  const parseNode = (): PolicyNode => {
    const token = next();
    if (token.startsWith("'")) {
      const principal = token.slice(1);
      const dot = principal.lastIndexOf('.');
      const role = principal.slice(dot + 1).toLowerCase();
      if (dot <= 0 || ROLES[role] === undefined) {
        throw new PolicyError(
          policy,
          `"${principal}" is not MSPID.role with role member, admin, client, peer or orderer`,
        );
      }
      return { kind: 'principal', mspId: principal.slice(0, dot), role };
    }
    const operator = token.toUpperCase();
    if (operator !== 'AND' && operator !== 'OR' && operator !== 'OUTOF') {
      throw new PolicyError(policy, `unknown operator "${token}"`);
    }
    expect('(');
    let n = 0;
    if (operator === 'OUTOF') {
      n = Number(next());
      if (!Number.isInteger(n) || n < 1) throw new PolicyError(policy, 'OutOf needs a positive count first');
      expect(',');
    }
    const rules: PolicyNode[] = [parseNode()];
    for (let token = next(); token !== ')'; token = next()) {
      if (token !== ',') throw new PolicyError(policy, `expected "," or ")" but found "${token}"`);
      rules.push(parseNode());
    }
    if (operator === 'AND') n = rules.length;
    if (operator === 'OR') n = 1;
    if (n > rules.length) throw new PolicyError(policy, `OutOf(${n}, …) has only ${rules.length} rules`);
    return { kind: 'nOf', n, rules };
  };
  const root = parseNode();
  if (index !== tokens.length)
    throw new PolicyError(policy, `unexpected "${tokens[index]}" after the policy`);
  return root;
}

/** Compiles the policy text to a SignaturePolicyEnvelope (principals deduplicated, in first-use order). */
export function signaturePolicyEnvelope(policy: string): common.SignaturePolicyEnvelope {
  const root = parseSignaturePolicy(policy);
  const principals: string[] = [];
  const toProto = (node: PolicyNode): common.SignaturePolicy => {
    const proto = new common.SignaturePolicy();
    if (node.kind === 'principal') {
      const key = `${node.mspId}.${node.role}`;
      let position = principals.indexOf(key);
      if (position < 0) position = principals.push(key) - 1;
      proto.setSignedBy(position);
      return proto;
    }
    const nOutOf = new common.SignaturePolicy.NOutOf();
    nOutOf.setN(node.n);
    nOutOf.setRulesList(node.rules.map(toProto));
    proto.setNOutOf(nOutOf);
    return proto;
  };
  const rule = toProto(root);
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setRule(rule);
  envelope.setIdentitiesList(
    principals.map((key) => {
      const dot = key.lastIndexOf('.');
      const role = new msp.MSPRole();
      role.setMspIdentifier(key.slice(0, dot));
      role.setRole(ROLES[key.slice(dot + 1)] as msp.MSPRole.MSPRoleTypeMap[keyof msp.MSPRole.MSPRoleTypeMap]);
      const principal = new msp.MSPPrincipal();
      principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
      principal.setPrincipal(role.serializeBinary());
      return principal;
    }),
  );
  return envelope;
}
