import { randomInt, randomUUID } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Upper-case alphanumerics from the CSPRNG (randomInt is unbiased, unlike bytes % 36). */
function randomUpperAlnum(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** Route 53 style hosted zone id: `Z` + 20 upper-case alphanumerics. */
export function newZoneId(): string {
  return `Z${randomUpperAlnum(20)}`;
}

/** Route 53 style change id as ChangeInfo.Id prints it: `/change/C…`. */
export function newChangeId(): string {
  return `/change/C${randomUpperAlnum(20)}`;
}

/** Proposal id: `P` + 20 upper-case alphanumerics. */
export function newProposalId(): string {
  return `P${randomUpperAlnum(20)}`;
}

/** API token id (not secret; lets logs name a token without its name): `T` + 20. */
export function newTokenId(): string {
  return `T${randomUpperAlnum(20)}`;
}

/** Health check id: a UUID, as Route 53 makes them. */
export function newHealthCheckId(): string {
  return randomUUID();
}
