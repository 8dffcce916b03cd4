import { expect, type Page, type TestInfo } from '@playwright/test';

/**
 * Collects the page's uncaught errors and console errors (a failed resource load is reported by
 * the request that failed instead); the returned check attaches them and fails the test if any.
 */
export function failOnPageErrors(page: Page, testInfo: TestInfo, label?: string): () => void {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text()))
      errors.push(message.text());
  });
  return () => {
    if (errors.length > 0)
      void testInfo.attach(label ? `${label}-page-errors` : 'page-errors', {
        body: errors.join('\n'),
        contentType: 'text/plain',
      });
    expect(errors).toEqual([]);
  };
}
