export type IpFamily = 4 | 6;

/** Parse an IPv4/IPv6 address into its canonical text form; null if not a valid address. */
export function parseIpAddress(_text: string): { family: IpFamily; address: string } | null {
  throw new Error('todo');
}

/** Route 53's default EDNS client-subnet prefix lengths, bits. */
export const DEFAULT_SUBNET_PREFIX = { 4: 24, 6: 64 } as const;

export type TruncateResult =
  | { ok: true; address: string; prefix: number; family: IpFamily; cidr: string }
  | { ok: false; field: 'address' | 'prefix'; message: string };

/** Zero the host bits of an address, as a resolver does before sending EDNS client subnet. */
export function truncateClientSubnet(_address: string, _prefix?: number): TruncateResult {
  throw new Error('todo');
}

/** False for private, loopback, link-local, multicast, documentation, reserved, CGNAT, etc. */
export function isPublicAddress(_address: string): boolean {
  throw new Error('todo');
}
