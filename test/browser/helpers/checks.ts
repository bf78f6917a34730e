import axe from 'axe-core';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

declare global {
  interface Window {
    axe: typeof axe;
  }
}

/** Screenshots go here for a person to look at; `/artifacts/` is git-ignored. */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', '..', 'artifacts', 'screenshots');

export const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
];

export function clearScreenshots(): void {
  rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
}

/**
 * The serious and critical problems that axe-core finds in the page as it is now. axe is given
 * to the page through the DevTools protocol, which the page's CSP does not govern.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.evaluate(axe.source);
  }
  const { violations } = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'] }),
  );
  return violations
    .filter(({ impact }) => impact === 'serious' || impact === 'critical')
    .map(({ id, help, nodes }) => `${id}: ${help} (${nodes.map((n) => n.target).join(', ')})`);
}

export interface Focus {
  /** `#id` for a field, else the element and its name, such as `button "Log in"`. */
  element: string;
  /** Whether a person sees where the focus is: a focus ring or outline is drawn. */
  visible: boolean;
}

export function focusOf(page: Page): Promise<Focus> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!(element instanceof HTMLElement) || element === document.body) {
      return { element: 'nothing', visible: false };
    }
    const name = (element.getAttribute('aria-label') ?? element.textContent ?? '').trim();
    const style = getComputedStyle(element);
    const drawn =
      style.boxShadow !== 'none' ||
      (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0);
    return {
      element: element.id ? `#${element.id}` : `${element.tagName.toLowerCase()} "${name}"`,
      visible: element.matches(':focus-visible') && drawn,
    };
  });
}
