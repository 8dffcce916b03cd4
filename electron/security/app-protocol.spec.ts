import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeOf, resolveAppAsset } from './app-protocol';

const root = path.resolve('/opt/medfabric/dist/renderer');

describe('resolveAppAsset', () => {
  it('maps app://console paths into the renderer folder', () => {
    expect(resolveAppAsset(root, 'app://console/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppAsset(root, 'app://console/index.html#/nodes')).toBe(path.join(root, 'index.html'));
    expect(resolveAppAsset(root, 'app://console/assets/index-abc.js')).toBe(
      path.join(root, 'assets', 'index-abc.js'),
    );
  });

  it('never resolves outside the renderer folder', () => {
    for (const url of [
      'app://console/../secret.txt',
      'app://console/%2e%2e/secret.txt',
      'app://console/a/../../x',
    ]) {
      // The URL parser already removes dot segments, so these stay inside the folder.
      expect(resolveAppAsset(root, url)?.startsWith(root + path.sep)).toBe(true);
    }
  });

  it('refuses encoded traversal, other hosts and malformed requests', () => {
    for (const url of [
      'app://console/..%2fsecret.txt',
      'app://console/assets/..%2f..%2fsecret.txt',
      'app://console/assets%5c..%5c..%5csecret.txt',
      'app://console/%00',
      'app://console/%E0%A4%A',
      'app://other/index.html',
      'file:///etc/passwd',
      'nonsense',
    ]) {
      expect(resolveAppAsset(root, url)).toBeUndefined();
    }
  });

  it('names content types', () => {
    expect(contentTypeOf('/x/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('/x/app.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('/x/blob.bin')).toBe('application/octet-stream');
  });
});
