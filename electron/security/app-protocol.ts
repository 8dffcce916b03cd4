// app://console/<path> → a file of the built renderer. Resolved paths must stay inside the
// renderer folder, so `..` or encoded separators cannot read other files.
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './navigation';

export const APP_CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** The file a request names, or undefined when it is outside the renderer folder or malformed. */
export function resolveAppAsset(rendererDir: string, requestUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    // A malformed URL names no file we serve.
    return undefined;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    // A malformed percent-encoding names no file we serve.
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const root = path.resolve(rendererDir);
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const resolved = path.resolve(root, relative);
  const fromRoot = path.relative(root, resolved);
  return fromRoot === '' || fromRoot.startsWith('..') || path.isAbsolute(fromRoot) ? undefined : resolved;
}

export function contentTypeOf(file: string): string {
  return APP_CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
}
