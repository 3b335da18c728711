import { InvalidZoneNameError } from './repository';

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;

/**
 * Zone names are stored lower case without the trailing dot (`example.com`), so that
 * `Example.COM.` and `example.com` are the same zone. Throws InvalidZoneNameError.
 */
export function normalizeZoneName(input: string): string {
  const name = input.toLowerCase().replace(/\.$/, '');
  if (name === '') throw new InvalidZoneNameError(input, 'a zone name is required');
  if (name.length > 253) {
    throw new InvalidZoneNameError(input, 'longer than 253 characters');
  }
  for (const label of name.split('.')) {
    if (label === '') throw new InvalidZoneNameError(input, 'it has an empty label');
    if (label.length > 63) {
      throw new InvalidZoneNameError(input, `label "${label}" is longer than 63 characters`);
    }
    if (!LABEL.test(label)) {
      throw new InvalidZoneNameError(
        input,
        `label "${label}" may only hold letters, digits, "-" and "_", and not start or end with "-"`,
      );
    }
  }
  return name;
}
