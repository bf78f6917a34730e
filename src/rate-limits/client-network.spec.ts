import { clientNetwork } from './client-network';

describe(clientNetwork.name, () => {
  it('counts an IPv4 address as itself', () => {
    expect(clientNetwork('198.51.100.7')).toBe('198.51.100.7');
  });

  it('counts an IPv4-mapped IPv6 address as the IPv4 address', () => {
    expect(clientNetwork('::ffff:198.51.100.7')).toBe('198.51.100.7');
  });

  it.each([
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('counts %s by its /64, %s', (ip, network) => {
    expect(clientNetwork(ip)).toBe(network);
  });

  it('gives every address of one /64 the same network, and another /64 another', () => {
    const one = ['2001:db8:aa:bb::1', '2001:db8:aa:bb:ffff::2', '2001:db8:aa:bb:1:2:3:4'];
    expect(new Set(one.map(clientNetwork)).size).toBe(1);
    expect(clientNetwork('2001:db8:aa:bc::1')).not.toBe(clientNetwork(one[0]));
  });
});
