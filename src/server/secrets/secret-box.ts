import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Seals secrets the server must read back later (AWS secret access keys to verify SigV4,
 * upstream Route 53 credentials) with AES-256-GCM under the server's secret key.
 *
 * The key is LATENCY_ATLAS_SECRET_KEY (32 bytes, as base64 or as 64 hex characters), else the
 * file `<data dir>/secret.key`, made on first use (mode 0600). Lose the key and every sealed
 * secret is lost with it: back it up with the database, but never beside a copy of it that
 * others can read.
 */
export interface SecretBox {
  /** First 8 hex characters of the key's SHA-256: names the key without revealing it. */
  keyId: string;
  seal(plain: string): string;
  /** Throws SecretBoxError when the box is damaged, tampered with or sealed with another key. */
  open(box: string): string;
}

/** The key could not be had, or a box could not be opened; the message says why. */
export class SecretBoxError extends Error {}

export const SECRET_KEY_ENV = 'LATENCY_ATLAS_SECRET_KEY';
export const SECRET_KEY_FILE = 'secret.key';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';
const HELP = `generate one with \`node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"\``;

/** 32 key bytes from base64 (standard or url-safe) or 64 hex characters; null otherwise. */
function parseKey(text: string): Buffer | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const bytes = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  return null;
}

function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

function isErrno(e: unknown, code: string): boolean {
  return (e as NodeJS.ErrnoException | null)?.code === code;
}

/**
 * The key in `file`, creating it when there is none: the new key is written to a private
 * temporary file and hard-linked into place, which fails rather than overwrite, so processes
 * starting together all end up with the one key that won.
 */
function loadOrCreateKeyFile(file: string): Buffer {
  const read = (): Buffer | null => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return null;
      throw new SecretBoxError(`cannot read the secret key file ${file}: ${(e as Error).message}`);
    }
    const key = parseKey(text);
    if (!key) {
      throw new SecretBoxError(
        `the secret key file ${file} does not hold a 32-byte key (base64 or 64 hex characters); ` +
          'restore it from a backup: secrets sealed with it cannot be opened without it',
      );
    }
    return key;
  };
  const existing = read();
  if (existing) return existing;

  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${randomBytes(KEY_BYTES).toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, file);
  } catch (e) {
    if (!isErrno(e, 'EEXIST')) {
      throw new SecretBoxError(
        `cannot create the secret key file ${file}: ${(e as Error).message}`,
      );
    }
    // Another process created it first: use theirs.
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // Nothing to clean up.
    }
  }
  const key = read();
  if (!key) throw new SecretBoxError(`the secret key file ${file} vanished while being created`);
  return key;
}

/**
 * The secret box of this server: LATENCY_ATLAS_SECRET_KEY when given (`envKey`), else the key
 * file in `dataDir` (created on first use). Throws SecretBoxError naming the variable when
 * its value is not a 32-byte key.
 */
export function openSecretBox(opts: { envKey?: string | undefined; dataDir: string }): SecretBox {
  let key: Buffer;
  if (opts.envKey !== undefined && opts.envKey.trim() !== '') {
    const parsed = parseKey(opts.envKey);
    if (!parsed) {
      throw new SecretBoxError(
        `${SECRET_KEY_ENV} must be 32 bytes written as base64 (44 characters) or as 64 hex ` +
          `characters; ${HELP}`,
      );
    }
    key = parsed;
  } else {
    key = loadOrCreateKeyFile(resolve(opts.dataDir, SECRET_KEY_FILE));
  }
  return secretBoxWithKey(key);
}

/** A box over the given 32-byte key (tests; openSecretBox for the server's own key). */
export function secretBoxWithKey(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES) throw new SecretBoxError(`a secret key is ${KEY_BYTES} bytes`);
  const keyId = keyIdOf(key);
  // The version and key id are authenticated too, so a box cannot be relabelled.
  const aad = Buffer.from(`${VERSION}.${keyId}`, 'utf8');
  return {
    keyId,
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad);
      const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, keyId, iv, tag, ciphertext]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    open(box) {
      const parts = box.split('.');
      const [version, boxKeyId, ivText, tagText, ciphertextText] = parts;
      if (parts.length !== 5 || version !== VERSION || ciphertextText === undefined) {
        throw new SecretBoxError(`not a sealed secret (expected "${VERSION}.<key id>.…")`);
      }
      if (boxKeyId !== keyId) {
        throw new SecretBoxError(
          `this secret was sealed with another key (key id ${boxKeyId}; this server's key is ` +
            `${keyId}): set ${SECRET_KEY_ENV} or restore ${SECRET_KEY_FILE} to the key it was sealed with`,
        );
      }
      const iv = Buffer.from(ivText ?? '', 'base64url');
      const tag = Buffer.from(tagText ?? '', 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
        throw new SecretBoxError('the sealed secret is damaged');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAAD(aad);
        decipher.setAuthTag(tag);
        return Buffer.concat([
          decipher.update(Buffer.from(ciphertextText, 'base64url')),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw new SecretBoxError('the sealed secret is damaged or was tampered with');
      }
    },
  };
}

/**
 * Where the server keeps files beside its database (the secret key): the folder of a
 * `sqlite:<path>` DATABASE_URL, resolved against the working directory; `./data` for
 * anything else (`sqlite::memory:`, PostgreSQL).
 */
export function dataDirFromDatabaseUrl(databaseUrl: string, cwd: string = process.cwd()): string {
  const url = databaseUrl.trim();
  if (/^sqlite:/i.test(url)) {
    const path = url.slice('sqlite:'.length);
    if (path !== '' && path !== ':memory:' && !path.startsWith('//')) {
      return dirname(resolve(cwd, path));
    }
  }
  return resolve(cwd, 'data');
}
