export { canIssueIn, canSeeIdentitiesOf, defaultActingOrg } from './acting-org';
export { EXPIRY_WARNING_DAYS, summarizeCertificate } from './certificates';
export { ChannelConfigError, decodeChannelConfig, describeSignaturePolicy } from './channel-config';
export { ConsoleServices, type ConsoleRuntime, type ConsoleServicesOptions } from './console-services';
export { ConsoleError, type ConsoleErrorCode } from './errors';
export { listOrgIdentities, readIdentity } from './identities';
export { SwitchableController } from './switchable-controller';
export type * from './types';
export type * from './join-types';
