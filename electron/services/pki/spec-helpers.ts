import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDerEcdsaSignature, readDerElement } from './low-s';

/** Creates temp dirs under os.tmpdir() and removes them all in cleanup(). */
export function tempDirs(): { make: (label: string) => Promise<string>; cleanup: () => Promise<void> } {
  const made: string[] = [];
  return {
    async make(label) {
      const dir = await mkdtemp(join(tmpdir(), `medfabric-pki-${label}-`));
      made.push(dir);
      return dir;
    },
    async cleanup() {
      for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** r and s of the certificate's own signature, read from the DER (Certificate → signatureValue BIT STRING). */
export function certificateSignature(certPem: string): { r: bigint; s: bigint } {
  const der = new Uint8Array(new NodeX509Certificate(certPem).raw);
  const certificate = readDerElement(der);
  const tbs = readDerElement(certificate.content, 0);
  const algorithm = readDerElement(certificate.content, tbs.end);
  const bitString = readDerElement(certificate.content, algorithm.end);
  if (bitString.tag !== 0x03 || bitString.content[0] !== 0)
    throw new Error('unexpected signatureValue encoding');
  return parseDerEcdsaSignature(bitString.content.subarray(1));
}
