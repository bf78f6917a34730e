import Bowser from 'bowser';
import { memoize } from '../web/memoize';

/** How a session's device reads on the sessions page. */
export interface DeviceDescription {
  /** The browser and its major version, such as "Firefox 140", or "Unknown browser". */
  browser: string;
  /** The device or operating system, such as "Windows" or "iPhone", or "unknown system". */
  system: string;
  /** Both, as one name: "Firefox 140 on Linux". */
  name: string;
  /**
   * The browser without its version, and the system: "Firefox on Linux". What makes a device
   * new to an account: a browser that updates itself is the same device.
   */
  kind: string;
}

const UNKNOWN_BROWSER = 'Unknown browser';
const UNKNOWN_SYSTEM = 'unknown system';
/** Apple's devices say more than their system: "iPhone" rather than "iOS". */
const APPLE_MODELS = new Set(['iPhone', 'iPad', 'iPod']);

/**
 * Names the browser and system of a User-Agent header (recorded at sign-in, cut to 512
 * characters), with bowser. A missing or unreadable one gets "Unknown browser". The sessions
 * and activity pages name the same few browsers on every view: each is read once (of the last
 * 1,000 different ones).
 */
export const describeDevice: (userAgent: string | null) => DeviceDescription = memoize(
  (userAgent) => Object.freeze(described(userAgent)),
  1_000,
);

function described(userAgent: string | null): DeviceDescription {
  const parsed = parse(userAgent);
  // Every browser's User-Agent starts with Mozilla/5.0: alone, it names none.
  const browserName = parsed?.browser.name === 'Mozilla' ? undefined : parsed?.browser.name;
  const major = parsed?.browser.version?.split('.')[0];
  const browser = browserName
    ? `${browserName}${major && /^\d+$/.test(major) ? ` ${major}` : ''}`
    : UNKNOWN_BROWSER;
  const model = parsed?.platform.model;
  const system = (model && APPLE_MODELS.has(model) ? model : parsed?.os.name) || UNKNOWN_SYSTEM;
  return {
    browser,
    system,
    kind: `${browserName || UNKNOWN_BROWSER} on ${system}`,
    name:
      browser === UNKNOWN_BROWSER && system === UNKNOWN_SYSTEM
        ? browser
        : `${browser} on ${system}`,
  };
}

function parse(userAgent: string | null): Bowser.Parser.ParsedResult | undefined {
  if (!userAgent?.trim()) {
    return undefined;
  }
  try {
    return Bowser.parse(userAgent);
  } catch {
    // bowser throws on what it cannot read at all: that is an unknown browser, not an error.
    return undefined;
  }
}
