// Errors the command line shows as a message, never as a stack trace.
import { FabricInstallError } from './services/runtime/fabric-installer';

export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** The message to show for any error; unexpected ones keep their class name for bug reports. */
export function describeError(error: unknown): string {
  if (error instanceof FabricInstallError || error instanceof CliError) return error.message;
  if (error instanceof Error)
    return error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
  return String(error);
}
