import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  decideWindowOpen,
  isAllowedExternal,
  isAllowedNavigation,
  isAppUrl,
} from './navigation';

describe('navigation', () => {
  it('allows only the console pages themselves', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAllowedNavigation('app://console/index.html#/nodes')).toBe(true);
    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      'app://other/index.html',
      'app://user:pw@console/index.html',
      'http://127.0.0.1:7400/',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(isAllowedNavigation(url)).toBe(false);
    }
  });

  it('opens only allow-listed https origins externally', () => {
    expect(isAllowedExternal('https://hyperledger-fabric.readthedocs.io/en/latest/')).toBe(true);
    expect(isAllowedExternal('https://github.com/hyperledger/fabric')).toBe(true);
    for (const url of [
      'http://github.com/',
      'https://github.com.evil.example/',
      'https://user@github.com/',
      'https://evil.example/?https://github.com',
      'file:///tmp/x',
      'app://console/index.html',
      '',
    ]) {
      expect(isAllowedExternal(url)).toBe(false);
    }
    expect(isAllowedExternal('https://docs.example.org/a', ['https://docs.example.org'])).toBe(true);
  });

  it('never opens a new window, and hands allow-listed links to the browser', () => {
    expect(decideWindowOpen('https://github.com/hyperledger')).toEqual({
      action: 'deny',
      openExternally: 'https://github.com/hyperledger',
    });
    expect(decideWindowOpen('https://evil.example/')).toEqual({ action: 'deny' });
    expect(decideWindowOpen('app://console/index.html')).toEqual({ action: 'deny' });
  });
});
