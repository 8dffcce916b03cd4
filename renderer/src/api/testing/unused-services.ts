// Console services for store specs in which every method throws "not used": a spec spreads one of
// these and overrides only what its store calls, so a stray call fails loudly.
import type { CertificateApiServices } from '../../../../electron/api/certificate-handlers';
import type { ConsoleApiServices } from '../../../../electron/api/handlers';

function notUsed(): never {
  throw new Error('not used');
}

const unused = async (): Promise<never> => notUsed();

export function unusedConsoleServices(): ConsoleApiServices {
  return {
    context: notUsed,
    setActingOrg: notUsed,
    openStateDir: unused,
    prepareJoin: unused,
    joinPackage: unused,
    joinStatus: unused,
    listIdentities: unused,
    issueIdentity: unused,
    exportOrgDefinition: unused,
    channelConfig: unused,
    chaincodeInfo: unused,
    proposeChannelUpdate: unused,
    reviewUpdateBundle: unused,
    signUpdateBundle: unused,
    submitUpdateBundle: unused,
    importOrgDefinition: unused,
  };
}

export function unusedCertificateServices(): CertificateApiServices {
  return {
    inventory: unused,
    renewNode: unused,
    caStatus: unused,
    caRegister: unused,
    caEnroll: unused,
    caReenroll: unused,
    caRevoke: unused,
    caPublishCrl: unused,
  };
}
