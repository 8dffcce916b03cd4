import { AccessContract } from './contracts/access';
import { ClaimsContract } from './contracts/claims';
import { ConsentContract } from './contracts/consent';
import { ConsortiumContract } from './contracts/consortium';
import { DiagnosticsContract } from './contracts/diagnostics';
import { InsuranceContract } from './contracts/insurance';
import { RecordsContract } from './contracts/records';
import { SupervisionContract } from './contracts/supervision';
import { guardShimLogging } from './shim-logging';
import { cacheShimParameterValidators } from './shim-parameters';

guardShimLogging();
cacheShimParameterValidators();

export {
  AccessContract,
  ClaimsContract,
  ConsentContract,
  ConsortiumContract,
  DiagnosticsContract,
  InsuranceContract,
  RecordsContract,
  SupervisionContract,
};

/** What fabric-chaincode-node loads from package.json `main`; the first contract is the default. */
export const contracts = [
  ConsortiumContract,
  RecordsContract,
  ConsentContract,
  AccessContract,
  DiagnosticsContract,
  InsuranceContract,
  ClaimsContract,
  SupervisionContract,
];
