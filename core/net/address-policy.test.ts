import { describe, expect, it } from 'vitest';
import { assertPublicUrl, guardedLookup, isPublicAddress, parseHttpUrl, type NetworkPolicy } from './address-policy';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.100.100.200',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '192.0.2.2',
    '198.18.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    'fc00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::1',
    'ff02::1',
    'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });
  it.each(['93.184.216.34', '1.1.1.1', '8.8.8.8', '2606:4700:4700::1111', '::ffff:93.184.216.34'])(
    'accepts %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe('parseHttpUrl and assertPublicUrl', () => {
  const policy = (addresses: string[]): NetworkPolicy => ({
    allowPrivate: false,
    resolve: async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
  });

  it('accepts http(s) only, without credentials', () => {
    expect(parseHttpUrl('https://shop.example.com/pricing#plans').href).toBe('https://shop.example.com/pricing');
    for (const bad of ['ftp://x.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'https://user:pw@x.com/', '', 42])
      expect(() => parseHttpUrl(bad)).toThrow();
  });

  it('refuses a name when any of its addresses is private, and passes public or unresolvable names', async () => {
    await expect(
      assertPublicUrl(new URL('https://mixed.example/'), policy(['93.184.216.34', '10.0.0.1'])),
    ).rejects.toMatchObject({ code: 'private_address', status: 400 });
    await expect(assertPublicUrl(new URL('https://shop.example/'), policy(['93.184.216.34']))).resolves.toBeUndefined();
    await expect(assertPublicUrl(new URL('https://nowhere.example/'), policy([]))).resolves.toBeUndefined();
    await expect(assertPublicUrl(new URL('http://LOCALHOST:8080/'), policy(['93.184.216.34']))).rejects.toMatchObject({
      code: 'private_address',
    });
    await expect(
      assertPublicUrl(new URL('http://127.0.0.1/'), { ...policy([]), allowPrivate: true }),
    ).resolves.toBeUndefined();
  });

  it('connects only to checked addresses: the lookup refuses private answers and returns what it checked', async () => {
    const lookup = (addresses: string[], options: { all?: boolean }) =>
      new Promise((resolve, reject) =>
        guardedLookup(policy(addresses))('shop.example', options, (error, address, family) =>
          error ? reject(error) : resolve({ address, family }),
        ),
      );
    await expect(lookup(['127.0.0.1'], {})).rejects.toMatchObject({ code: 'EBLOCKEDADDRESS' });
    await expect(lookup(['93.184.216.34', '::1'], { all: true })).rejects.toMatchObject({ code: 'EBLOCKEDADDRESS' });
    await expect(lookup(['93.184.216.34'], {})).resolves.toEqual({ address: '93.184.216.34', family: 4 });
    await expect(lookup(['93.184.216.34'], { all: true })).resolves.toEqual({
      address: [{ address: '93.184.216.34', family: 4 }],
      family: undefined,
    });
  });
});
