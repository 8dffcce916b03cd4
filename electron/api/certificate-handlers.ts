// The certificate and Fabric CA channels of the dispatcher (handlers.ts): the expiry radar, renewal
// of the acting org's nodes, and the acting org's Fabric CA. Arguments arrive validated.
import type {
  CaEnrollRequest,
  CaReenrollResult,
  CaRegisterRequest,
  CaRegistration,
  CaRevokeRequest,
  CaRevokeResult,
  CertificateInventoryView,
  CrlPublication,
  FabricCaStatus,
  NodeRenewalResult,
  RenewNodeRequest,
} from '../services/console/certificate-types';
import type { IdentitySummary } from '../services/console/types';
import type { ApiChannel, ApiParsedArgs, ApiResult } from './contract';

/** CertificateServices implements it; declared here with renderer-safe types only. */
export interface CertificateApiServices {
  inventory(): Promise<CertificateInventoryView>;
  renewNode(request: RenewNodeRequest): Promise<NodeRenewalResult>;
  caStatus(): Promise<FabricCaStatus>;
  caRegister(request: CaRegisterRequest): Promise<CaRegistration>;
  caEnroll(request: CaEnrollRequest): Promise<IdentitySummary>;
  caReenroll(request: { enrollmentId: string }): Promise<CaReenrollResult>;
  caRevoke(request: CaRevokeRequest): Promise<CaRevokeResult>;
  caPublishCrl(): Promise<CrlPublication>;
}

export type CertificateChannel = Extract<ApiChannel, `certificates:${string}` | `ca:${string}`>;

export function certificateChannelHandlers(services: () => CertificateApiServices): {
  [C in CertificateChannel]: (args: ApiParsedArgs<C>) => Promise<ApiResult<C>>;
} {
  return {
    'certificates:inventory': () => services().inventory(),
    'certificates:renew-node': (request) => services().renewNode(request),
    'ca:status': () => services().caStatus(),
    'ca:register': (request) => services().caRegister(request),
    'ca:enroll': (request) => services().caEnroll(request),
    'ca:reenroll': (request) => services().caReenroll(request),
    'ca:revoke': (request) => services().caRevoke(request),
    'ca:publish-crl': () => services().caPublishCrl(),
  };
}
