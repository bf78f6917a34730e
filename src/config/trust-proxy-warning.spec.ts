import { trustProxyWarning } from './trust-proxy-warning';

describe(trustProxyWarning.name, () => {
  it.each(['0.0.0.0', '::', '203.0.113.7', '2001:db8::1', 'app.example.com'])(
    'warns when TRUST_PROXY is set and HOST is %s',
    (host) => {
      expect(trustProxyWarning({ trustProxy: 1, host })).toContain(`HOST=${host}`);
    },
  );

  it.each([
    '127.0.0.1',
    '127.0.0.2',
    'localhost',
    '::1',
    '10.1.2.3',
    '172.20.0.5',
    '192.168.1.10',
    'fd00::5',
  ])('is quiet when HOST is a loopback or private address (%s)', (host) => {
    expect(trustProxyWarning({ trustProxy: 'loopback', host })).toBeUndefined();
  });

  it('is quiet without TRUST_PROXY, whatever HOST is', () => {
    expect(trustProxyWarning({ trustProxy: undefined, host: '0.0.0.0' })).toBeUndefined();
  });
});
