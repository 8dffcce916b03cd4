/**
 * Object types of the composite keys written by the Insurance, Claims and Supervision contracts
 * (README.md lists their layouts). Kept apart from ledger.ts's KEY_TYPES, which belong to part 1.
 */
export const INSURANCE_KEY_TYPES = {
  claimKey: 'medfabric.claimkey',
  activeClaimKey: 'medfabric.claimkey.active',
  product: 'medfabric.product',
  productByInsurer: 'medfabric.product.byInsurer',
  policy: 'medfabric.policy',
  policyByPatient: 'medfabric.policy.byPatient',
  benefitUsage: 'medfabric.benefit.usage',
  fundAccount: 'medfabric.fund.account',
  fundEntry: 'medfabric.fund.entry',
  fundEntryByAccount: 'medfabric.fund.entryByAccount',
  claim: 'medfabric.claim',
  claimByStatus: 'medfabric.claim.byStatus',
  claimByHospital: 'medfabric.claim.byHospital',
  claimByPatient: 'medfabric.claim.byPatient',
  claimByInsurer: 'medfabric.claim.byInsurer',
  claimServiceLine: 'medfabric.claim.serviceLine',
  stay: 'medfabric.supervision.stay',
  supervisionParams: 'medfabric.supervision.params',
  supervisionParamsVersion: 'medfabric.supervision.params.version',
  supervisionAlert: 'medfabric.supervision.alert',
  supervisionAlertByClaim: 'medfabric.supervision.alert.byClaim',
  supervisionAlertByStatus: 'medfabric.supervision.alert.byStatus',
} as const;

/** Version numbers (params, policy years) are zero-padded in keys so key order is numeric order. */
export function padNumber(value: number, digits = 8): string {
  return String(value).padStart(digits, '0');
}
