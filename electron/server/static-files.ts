// Serves the built renderer from one directory. Paths are resolved and checked to stay inside it,
// so `..` or encoded separators cannot reach other files.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

function resolveInside(rootDir: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    // A malformed percent-encoding names no file we serve.
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const resolved = path.resolve(rootDir, relative);
  const fromRoot = path.relative(rootDir, resolved);
  return fromRoot.startsWith('..') || path.isAbsolute(fromRoot) ? undefined : resolved;
}

/** Writes the file for a GET/HEAD request, or returns false when there is none to serve. */
export async function serveStaticFile(
  rootDir: string,
  url: URL,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<boolean> {
  const filePath = resolveInside(rootDir, url.pathname);
  if (filePath === undefined) return false;
  const info = await stat(filePath).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  if (!info?.isFile()) return false;

  response.statusCode = 200;
  response.setHeader('Content-Type', CONTENT_TYPES[path.extname(filePath)] ?? 'application/octet-stream');
  response.setHeader('Content-Length', info.size);
  // Hashed asset names change with their content; index.html must always be revalidated.
  response.setHeader(
    'Cache-Control',
    url.pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  );
  if (request.method === 'HEAD') {
    response.end();
    return true;
  }
  await new Promise<void>((resolve, reject) => {
    createReadStream(filePath).on('error', reject).pipe(response).on('finish', resolve).on('error', reject);
  });
  return true;
}
