import { Object as FabricObject, Property } from 'fabric-contract-api';
import {
  requireEnum,
  requireId,
  requireMspId,
  requireObject,
  requireText,
  requireTimestamp,
  requireString,
  LIMITS,
} from '../lib/validation';

export const MEMBER_KINDS = ['hospital', 'insurer', 'regulator'] as const;
export type MemberKind = (typeof MEMBER_KINDS)[number];
/** Kinds RegisterMember accepts: the regulator is fixed by InitConsortium. */
export const REGISTRABLE_KINDS = ['hospital', 'insurer'] as const;

/** Written once by InitConsortium: which MSP supervises the consortium. */
@FabricObject()
export class ConsortiumConfig {
  @Property('regulatorMspId', 'string') public regulatorMspId: string;
  @Property('initialisedAt', 'string') public initialisedAt: string;
  @Property('initialisedBy', 'string') public initialisedBy: string;
  @Property('txId', 'string') public txId: string;

  constructor(fields: ConsortiumConfig) {
    this.regulatorMspId = fields.regulatorMspId;
    this.initialisedAt = fields.initialisedAt;
    this.initialisedBy = fields.initialisedBy;
    this.txId = fields.txId;
  }

  static decode(value: unknown): ConsortiumConfig {
    const object = requireObject(value, 'consortium', [
      'regulatorMspId',
      'initialisedAt',
      'initialisedBy',
      'txId',
    ]);
    return new ConsortiumConfig({
      regulatorMspId: requireMspId(object.regulatorMspId, 'consortium.regulatorMspId'),
      initialisedAt: requireTimestamp(object.initialisedAt, 'consortium.initialisedAt'),
      initialisedBy: requireString(object.initialisedBy, 'consortium.initialisedBy'),
      txId: requireId(object.txId, 'consortium.txId'),
    });
  }
}

/** One organisation of the consortium and what it is. */
@FabricObject()
export class ConsortiumMember {
  @Property('mspId', 'string') public mspId: string;
  @Property('kind', 'string') public kind: MemberKind;
  @Property('displayName', 'string') public displayName: string;
  @Property('registeredAt', 'string') public registeredAt: string;
  @Property('registeredBy', 'string') public registeredBy: string;
  @Property('txId', 'string') public txId: string;

  constructor(fields: ConsortiumMember) {
    this.mspId = fields.mspId;
    this.kind = fields.kind;
    this.displayName = fields.displayName;
    this.registeredAt = fields.registeredAt;
    this.registeredBy = fields.registeredBy;
    this.txId = fields.txId;
  }

  static decode(value: unknown): ConsortiumMember {
    const object = requireObject(value, 'member', [
      'mspId',
      'kind',
      'displayName',
      'registeredAt',
      'registeredBy',
      'txId',
    ]);
    return new ConsortiumMember({
      mspId: requireMspId(object.mspId, 'member.mspId'),
      kind: requireEnum(object.kind, 'member.kind', MEMBER_KINDS),
      displayName: requireText(object.displayName, 'member.displayName', LIMITS.displayNameLength),
      registeredAt: requireTimestamp(object.registeredAt, 'member.registeredAt'),
      registeredBy: requireString(object.registeredBy, 'member.registeredBy'),
      txId: requireId(object.txId, 'member.txId'),
    });
  }
}
