import { onBeforeUnmount } from 'vue';

/**
 * Object URLs behind the "Download" links of JSON documents (org definitions, update bundles,
 * join packages). Each slot holds at most one URL: giving it new text revokes the old URL, and
 * unmounting the component revokes them all, so a long session leaks no blobs.
 */
export function useJsonDownloadUrls<Slot extends string = string>(): {
  urlFor: (slot: Slot, text: string | undefined) => string | undefined;
} {
  const urls = new Map<Slot, string>();

  function urlFor(slot: Slot, text: string | undefined): string | undefined {
    const previous = urls.get(slot);
    if (previous !== undefined) {
      URL.revokeObjectURL(previous);
      urls.delete(slot);
    }
    if (text === undefined) return undefined;
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    urls.set(slot, url);
    return url;
  }

  onBeforeUnmount(() => {
    for (const url of urls.values()) URL.revokeObjectURL(url);
    urls.clear();
  });

  return { urlFor };
}
