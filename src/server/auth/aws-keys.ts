import { randomBytes, randomInt } from 'node:crypto';
import type { SecretBox } from '../secrets/secret-box';
import type { ActorOptions, Repository } from '../storage/repository';

/** Every access key id latency-atlas makes starts with this (AWS's own start with AKIA/ASIA). */
export const AWS_ACCESS_KEY_PREFIX = 'LAAK';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `LAAK` + 16 upper-case letters and digits from the CSPRNG: 20 characters, as AWS's. */
export function generateAwsAccessKeyId(): string {
  let id = AWS_ACCESS_KEY_PREFIX;
  for (let i = 0; i < 16; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** 30 random bytes as base64: 40 characters, as AWS secret access keys look. */
export function generateAwsSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

/**
 * Makes an access key pair bound to the token `tokenId` (its name and role), storing the
 * secret sealed in `box`. The secret is returned here only: show it once, never log it.
 */
export async function createAwsKeyPair(
  repository: Repository,
  box: SecretBox,
  tokenId: string,
  opts: ActorOptions = {},
): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const accessKeyId = generateAwsAccessKeyId();
  const secretAccessKey = generateAwsSecretAccessKey();
  await repository.createAwsAccessKey(
    { id: accessKeyId, tokenId, secretBox: box.seal(secretAccessKey) },
    opts,
  );
  return { accessKeyId, secretAccessKey };
}
