// `npm run install:fabric`: finds or installs the Fabric binaries into .fabric/ (idempotent).
import { ensureFabric, FabricInstallError } from '../electron/services/runtime/fabric-installer';

const started = Date.now();
try {
  const installation = await ensureFabric((message) => console.log(`[fabric-install] ${message}`));
  for (const note of installation.notes) console.log(`[fabric-install] note: ${note}`);
  console.log(
    `[fabric-install] ready: Fabric ${installation.version} (${installation.source}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
} catch (error) {
  console.error(
    error instanceof FabricInstallError
      ? error.message
      : `Fabric install failed: ${(error as Error).message}`,
  );
  process.exitCode = 1;
}
