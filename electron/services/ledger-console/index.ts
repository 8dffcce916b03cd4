export {
  LedgerService,
  type LedgerHost,
  type LedgerRuntime,
  type LedgerServiceOptions,
} from './ledger-service';
export { tableToCsv, csvCell, csvFileName } from './csv';
export type * from './types';
