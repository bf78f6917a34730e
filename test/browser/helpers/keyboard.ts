import type { Page } from 'playwright-core';
import { focusOf } from './checks';

/** Presses `key` and expects the focus, drawn so that a person sees it, on `element`. */
export async function press(page: Page, key: string, element: string): Promise<void> {
  await page.keyboard.press(key);
  expect(await focusOf(page)).toEqual({ element, visible: true });
}

/** The skip link comes first and takes the focus past the top bar, into the page. */
export async function skipToContent(page: Page): Promise<void> {
  await press(page, 'Tab', 'a "Skip to content"');
  await page.keyboard.press('Enter');
  expect((await focusOf(page)).element).toBe('#main');
}
