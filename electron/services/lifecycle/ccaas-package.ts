// Chaincode-as-a-service packages: metadata.json + code.tar.gz(connection.json), byte-for-byte
// deterministic so every org computes the same package ID (label:sha256(package)).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

interface TarEntry {
  name: string;
  data: Buffer;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** A minimal ustar writer: regular files only, mode 0644, mtime 0, owner 0. */
function tar(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    if (Buffer.byteLength(entry.name) > 100) throw new Error(`tar entry name too long: ${entry.name}`);
    const header = Buffer.alloc(512, 0);
    header.write(entry.name, 0, 'utf8');
    header.write(octal(0o644, 8), 100);
    header.write(octal(0, 8), 108);
    header.write(octal(0, 8), 116);
    header.write(octal(entry.data.length, 12), 124);
    header.write(octal(0, 12), 136);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    let checksum = 0;
    for (const byte of header) checksum += byte;
    header.write(octal(checksum, 7) + ' ', 148);
    blocks.push(header, entry.data);
    const padding = (512 - (entry.data.length % 512)) % 512;
    if (padding) blocks.push(Buffer.alloc(padding, 0));
  }
  blocks.push(Buffer.alloc(1024, 0));
  return Buffer.concat(blocks);
}

export interface CcaasPackage {
  label: string;
  bytes: Buffer;
  packageId: string;
}

const LABEL = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

/**
 * `address` may be a template such as `{{.ccaas_slot0}}`, filled per peer by the builder from
 * CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG, so one package serves every peer.
 */
export function buildCcaasPackage(label: string, address: string): CcaasPackage {
  if (!LABEL.test(label)) {
    throw new Error(
      `chaincode package label "${label}" must start with a letter or digit and use only letters, digits, _ . + -`,
    );
  }
  const connection = { address, dial_timeout: '10s', tls_required: false };
  const code = gzipSync(tar([{ name: 'connection.json', data: Buffer.from(JSON.stringify(connection)) }]));
  const metadata = Buffer.from(JSON.stringify({ type: 'ccaas', label }));
  const bytes = gzipSync(
    tar([
      { name: 'metadata.json', data: metadata },
      { name: 'code.tar.gz', data: code },
    ]),
  );
  const packageId = `${label}:${createHash('sha256').update(bytes).digest('hex')}`;
  return { label, bytes, packageId };
}
