import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { useJsonDownloadUrls } from './use-json-download-urls';

function mountWithUrls() {
  let api: ReturnType<typeof useJsonDownloadUrls<'a' | 'b'>> | undefined;
  const wrapper = mount(
    defineComponent({
      setup() {
        api = useJsonDownloadUrls<'a' | 'b'>();
        return () => h('div');
      },
    }),
  );
  if (api === undefined) throw new Error('setup did not run');
  return { wrapper, urlFor: api.urlFor };
}

describe('useJsonDownloadUrls', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('keeps one JSON object URL per slot, revokes a replaced one, and revokes the rest on unmount', async () => {
    let next = 0;
    const created: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      created.push(blob as Blob);
      return `blob:test/${++next}`;
    });
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const { wrapper, urlFor } = mountWithUrls();

    expect(urlFor('a', '{"v":1}')).toBe('blob:test/1');
    expect(urlFor('b', '{"v":2}')).toBe('blob:test/2');
    expect(created.map((blob) => blob.type)).toEqual(['application/json', 'application/json']);
    expect(await created[0]?.text()).toBe('{"v":1}');
    expect(revoke).not.toHaveBeenCalled();

    // New text for slot a replaces its URL; slot b is untouched.
    expect(urlFor('a', '{"v":3}')).toBe('blob:test/3');
    expect(revoke.mock.calls).toEqual([['blob:test/1']]);

    // No text: the slot's URL is revoked and there is no link.
    expect(urlFor('b', undefined)).toBeUndefined();
    expect(revoke.mock.calls.at(-1)).toEqual(['blob:test/2']);

    wrapper.unmount();
    expect(revoke.mock.calls.map(([url]) => url)).toEqual(['blob:test/1', 'blob:test/2', 'blob:test/3']);
  });
});
