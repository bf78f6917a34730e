import { existsSync } from 'node:fs';
import { Browser, BrowserContext, BrowserContextOptions, chromium, Page } from 'playwright-core';
import { AppProcess, startAppProcess } from './app-process';

/** Debian's Chromium (`apt-get install -y chromium`); never a browser that Playwright downloads. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface BrowserSuite {
  readonly app: AppProcess;
  /** The running test's page, in a browser context of its own: no cookies yet. */
  readonly page: Page;
  /** Another page in a new context (such as with JavaScript off), watched like `page`. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
}

/**
 * Registers the hooks of a browser spec file: one app process and one Chromium for the file, a
 * fresh page for each test (in a context made with `defaults`), and after each test the check that no page logged an error or a CSP
 * violation, threw, or asked for a file that is not there.
 */
export function useBrowserSuite(defaults: BrowserContextOptions = {}): BrowserSuite {
  let app: AppProcess | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let contexts: BrowserContext[] = [];
  let problems: string[] = [];

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) {
      throw new Error('The browser suite has not started');
    }
    return value;
  };

  const newPage = async (options: BrowserContextOptions = {}): Promise<Page> => {
    const context = await started(browser).newContext({
      baseURL: started(app).url,
      // No fades or transitions: focus rings and screenshots show their final state.
      reducedMotion: 'reduce',
      ...defaults,
      ...options,
    });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    const newOne = await context.newPage();
    watch(newOne, problems);
    return newOne;
  };

  // Starting the app and Chromium may take a while on a busy machine.
  beforeAll(async () => {
    app = await startAppProcess();
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  beforeEach(async () => {
    problems = [];
    page = await newPage();
  });

  afterEach(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    contexts = [];
    expect(problems).toEqual([]);
  });

  return {
    get app() {
      return started(app);
    },
    get page() {
      return started(page);
    },
    newPage,
  };
}

function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Collects, into `problems`, what the browser's console would show a developer in red. */
function watch(page: Page, problems: string[]): void {
  const documents = new Set<string>();
  page.on('response', (response) => {
    if (response.request().resourceType() === 'document') {
      documents.add(response.url());
    } else if (response.status() >= 400) {
      problems.push(`${response.status()} for ${response.url()}`);
    }
  });
  page.on('console', (message) => {
    // Chromium logs a page answered with an error status (a 404 page, a refused form) like a
    // missing file; those statuses are what the tests expect, and they check them.
    const pageStatus =
      message.text().startsWith('Failed to load resource') && documents.has(message.location().url);
    if (message.type() === 'error' && !pageStatus) {
      problems.push(`console on ${page.url()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`script error on ${page.url()}: ${error.message}`));
}

/**
 * Does `action` (a click, a key press) and waits until the page it leads to has loaded, past
 * any redirect. Returns that page's HTTP status.
 */
export async function navigate(page: Page, action: () => Promise<void>): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse(
      (res) =>
        res.request().isNavigationRequest() &&
        res.frame() === page.mainFrame() &&
        (res.status() < 300 || res.status() >= 400),
    ),
    page.waitForEvent('load'),
    action(),
  ]);
  return response.status();
}

/** The path of the page's address, such as `/login`. */
export function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}
