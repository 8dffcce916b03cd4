// The orderer's channel-participation REST API (what `osnadmin` calls), over mutual TLS.
import https from 'node:https';

export interface OsnAdminTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

export interface ChannelInfo {
  name: string;
  consensusRelation: string;
  status: string;
  height: number;
}

export class OsnAdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'OsnAdminError';
  }
}

interface RawResponse {
  status: number;
  body: string;
}

function request(
  address: string,
  tls: OsnAdminTls,
  method: string,
  urlPath: string,
  body?: { contentType: string; data: Buffer },
): Promise<RawResponse> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host,
        port: Number(port),
        method,
        path: urlPath,
        // The admin endpoint's certificate names localhost as well; no IP as TLS server name.
        servername: 'localhost',
        ca: tls.caPem,
        cert: tls.certPem,
        key: tls.keyPem,
        headers: body ? { 'Content-Type': body.contentType, 'Content-Length': body.data.length } : {},
        timeout: 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from orderer admin endpoint ${address}`)));
    req.on('error', (error) =>
      reject(new OsnAdminError(0, `orderer admin endpoint ${address} unreachable: ${error.message}`)),
    );
    req.end(body?.data);
  });
}

function errorText(response: RawResponse): string {
  try {
    const parsed = JSON.parse(response.body) as { error?: string };
    return parsed.error ?? response.body;
  } catch {
    return response.body;
  }
}

/** Lists the channels the orderer participates in. */
export async function listChannels(address: string, tls: OsnAdminTls): Promise<string[]> {
  const response = await request(address, tls, 'GET', '/participation/v1/channels');
  if (response.status !== 200)
    throw new OsnAdminError(response.status, `list channels: ${errorText(response)}`);
  const parsed = JSON.parse(response.body) as { channels: Array<{ name: string }> | null };
  return (parsed.channels ?? []).map((c) => c.name);
}

export async function channelInfo(
  address: string,
  tls: OsnAdminTls,
  channel: string,
): Promise<ChannelInfo | undefined> {
  const response = await request(
    address,
    tls,
    'GET',
    `/participation/v1/channels/${encodeURIComponent(channel)}`,
  );
  if (response.status === 404) return undefined;
  if (response.status !== 200)
    throw new OsnAdminError(response.status, `channel ${channel}: ${errorText(response)}`);
  return JSON.parse(response.body) as ChannelInfo;
}

/** Joins the orderer to a channel with its config block (multipart, one part named config-block). */
export async function joinChannel(
  address: string,
  tls: OsnAdminTls,
  block: Uint8Array,
): Promise<ChannelInfo> {
  const boundary = `medfabric${Date.now().toString(16)}`;
  const data = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="config-block"; filename="config.block"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    Buffer.from(block),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const response = await request(address, tls, 'POST', '/participation/v1/channels', {
    contentType: `multipart/form-data; boundary=${boundary}`,
    data,
  });
  if (response.status !== 201) {
    throw new OsnAdminError(
      response.status,
      `orderer ${address} refused to join the channel: ${errorText(response)}`,
    );
  }
  return JSON.parse(response.body) as ChannelInfo;
}
