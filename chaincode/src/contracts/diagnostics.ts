import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stableStringify } from '../lib/canonical-json';
import { authenticateMember } from '../lib/membership';
import { requireString } from '../lib/validation';

/** Name and version of the chaincode package, read once when the chaincode service loads. */
const PACKAGE_INFO = readPackageInfo();

/** No-op transactions for the network's throughput benchmark and for liveness checks. */
@Info({ title: 'Diagnostics', description: 'No-op transactions for benchmarks and health checks' })
export class DiagnosticsContract extends Contract {
  constructor() {
    super('Diagnostics');
  }

  /** Goes through endorsement, ordering and validation but writes nothing; returns the tx id. */
  @Transaction()
  @Returns('string')
  public async Ping(ctx: Context): Promise<string> {
    await authenticateMember(ctx);
    return ctx.stub.getTxID();
  }

  /** The chaincode package name and version. */
  @Transaction(false)
  @Returns('string')
  public async GetInfo(ctx: Context): Promise<string> {
    await authenticateMember(ctx);
    return stableStringify(PACKAGE_INFO);
  }
}

/** The nearest package.json above the compiled module (dist/src/contracts → the package root). */
function readPackageInfo(): { name: string; version: string } {
  for (let directory = __dirname; ; directory = dirname(directory)) {
    const candidate = join(directory, 'package.json');
    if (existsSync(candidate)) {
      const manifest: unknown = JSON.parse(readFileSync(candidate, 'utf8'));
      if (typeof manifest !== 'object' || manifest === null) {
        throw new Error(`${candidate} is not a JSON object`);
      }
      const { name, version } = manifest as { name?: unknown; version?: unknown };
      return {
        name: requireString(name, 'package.json name'),
        version: requireString(version, 'package.json version'),
      };
    }
    if (dirname(directory) === directory) {
      throw new Error(`No package.json above ${__dirname}`);
    }
  }
}
