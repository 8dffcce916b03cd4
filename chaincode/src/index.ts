import { AccessContract } from './contracts/access';
import { ConsentContract } from './contracts/consent';
import { ConsortiumContract } from './contracts/consortium';
import { DiagnosticsContract } from './contracts/diagnostics';
import { RecordsContract } from './contracts/records';

export { AccessContract, ConsentContract, ConsortiumContract, DiagnosticsContract, RecordsContract };

/** What fabric-chaincode-node loads from package.json `main`; the first contract is the default. */
export const contracts = [
  ConsortiumContract,
  RecordsContract,
  ConsentContract,
  AccessContract,
  DiagnosticsContract,
];
