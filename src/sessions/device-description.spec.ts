import { describeDevice } from './device-description';

describe(describeDevice.name, () => {
  it.each([
    [
      'Chrome on Windows',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      {
        browser: 'Chrome 131',
        system: 'Windows',
        name: 'Chrome 131 on Windows',
        kind: 'Chrome on Windows',
      },
    ],
    [
      'Safari on iPhone',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      {
        browser: 'Safari 17',
        system: 'iPhone',
        name: 'Safari 17 on iPhone',
        kind: 'Safari on iPhone',
      },
    ],
    [
      'Firefox on Linux',
      'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
      {
        browser: 'Firefox 140',
        system: 'Linux',
        name: 'Firefox 140 on Linux',
        kind: 'Firefox on Linux',
      },
    ],
    [
      'Safari on a Mac',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      {
        browser: 'Safari 18',
        system: 'macOS',
        name: 'Safari 18 on macOS',
        kind: 'Safari on macOS',
      },
    ],
    [
      'Chrome on Android',
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      {
        browser: 'Chrome 131',
        system: 'Android',
        name: 'Chrome 131 on Android',
        kind: 'Chrome on Android',
      },
    ],
    [
      'Edge on Windows',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70',
      {
        browser: 'Microsoft Edge 131',
        system: 'Windows',
        name: 'Microsoft Edge 131 on Windows',
        kind: 'Microsoft Edge on Windows',
      },
    ],
  ])('names %s', (_name, userAgent, expected) => {
    expect(describeDevice(userAgent)).toEqual(expected);
  });

  it.each([
    ['no User-Agent', null],
    ['an empty one', ''],
    ['blanks', '   '],
    ['garbage', '}{ not a browser ;;'],
    ['a command-line client', 'curl/8.5.0'],
  ])('says "Unknown browser" for %s', (_name, userAgent) => {
    expect(describeDevice(userAgent)).toEqual({
      browser: 'Unknown browser',
      system: 'unknown system',
      name: 'Unknown browser',
      kind: 'Unknown browser on unknown system',
    });
  });

  it('names what it knows of a system whose browser it does not', () => {
    expect(describeDevice('Mozilla/5.0 (Windows NT 10.0; Win64; x64)').name).toBe(
      'Unknown browser on Windows',
    );
  });

  it('names the same kind of device across browser updates', () => {
    const firefox = (version: string) =>
      `Mozilla/5.0 (X11; Linux x86_64; rv:${version}) Gecko/20100101 Firefox/${version}`;

    expect(describeDevice(firefox('141.0')).kind).toBe(describeDevice(firefox('140.0')).kind);
    expect(describeDevice(firefox('141.0')).name).not.toBe(describeDevice(firefox('140.0')).name);
  });
});
