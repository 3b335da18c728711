import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { ROLES, type Role, TOKEN_NAME_PATTERN } from '../../shared/auth';
import {
  dataDirFromDatabaseUrl,
  openSecretBox,
  SECRET_KEY_ENV,
  type SecretBox,
  SecretBoxError,
} from '../secrets/secret-box';
import { DatabaseUrlError, DEFAULT_DATABASE_URL, openRepository } from '../storage/open-repository';
import { type ApiToken, TokenNameTakenError } from '../storage/repository';
import { createAwsKeyPair } from './aws-keys';
import { generateTokenSecret, hashTokenSecret } from './token-secret';

export const TOKEN_CLI_USAGE = `usage: npm run token -- <command>

  create --name <name> --role <reporter|viewer|editor|approver|admin> [--aws]
      makes a token and prints its secret once (on stdout, alone, so scripts can capture it);
      with --aws also an AWS access key pair bound to it (for Route 53's API, SigV4), printed
      as LATENCY_ATLAS_TOKEN=…, AWS_ACCESS_KEY_ID=…, AWS_SECRET_ACCESS_KEY=… lines, so
      \`export $(npm run -s token -- create --name ci --role editor --aws)\` works
  aws-key --name <name>
      adds an AWS access key pair to an existing token; prints the two AWS_… lines once
  list [--json]
      every token: name, role, created, last used, revoked
  revoke --name <name>
      stops a token from working (its name stays taken, so history stays unambiguous)

The database is DATABASE_URL (default ${DEFAULT_DATABASE_URL}), as for npm start. AWS secret
keys are stored sealed with ${SECRET_KEY_ENV}, else with secret.key in the database's folder
(made on first use), as the server does.`;

export interface CliIo {
  env: Record<string, string | undefined>;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Who ran the command, for the audit log. */
function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

function formatTable(tokens: ApiToken[]): string {
  const rows = [
    ['NAME', 'ROLE', 'CREATED', 'LAST USED', 'STATUS'],
    ...tokens.map((t) => [
      t.name,
      t.role,
      t.createdAt,
      t.lastUsedAt ?? '-',
      t.revokedAt === null ? 'active' : `revoked ${t.revokedAt}`,
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

class UsageError extends Error {}

/** `npm run token -- …` (scripts/token.ts): returns the exit code (0 ok, 1 refused, 2 usage). */
export async function runTokenCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.out(TOKEN_CLI_USAGE);
    return command === undefined ? 2 : 0;
  }
  let values: { name?: string; role?: string; json?: boolean; aws?: boolean };
  try {
    values = parseArgs({
      args: rest,
      options: {
        name: { type: 'string' },
        role: { type: 'string' },
        json: { type: 'boolean' },
        aws: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    io.err(`token: ${(e as Error).message}\n\n${TOKEN_CLI_USAGE}`);
    return 2;
  }

  try {
    const needName = (): string => {
      const name = values.name;
      if (name === undefined) throw new UsageError(`${command} needs --name <name>`);
      if (!TOKEN_NAME_PATTERN.test(name)) {
        throw new UsageError(
          `--name "${name}": use 1–64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit`,
        );
      }
      return name;
    };
    if (
      command !== 'create' &&
      command !== 'list' &&
      command !== 'revoke' &&
      command !== 'aws-key'
    ) {
      throw new UsageError(`unknown command "${command}"`);
    }
    if (values.aws && command !== 'create') {
      throw new UsageError('--aws goes with create (use aws-key for an existing token)');
    }
    let name: string | undefined;
    let role: Role | undefined;
    if (command === 'create') {
      name = needName();
      if (values.role === undefined) throw new UsageError('create needs --role <role>');
      if (!(ROLES as readonly string[]).includes(values.role)) {
        throw new UsageError(`--role "${values.role}": use one of ${ROLES.join(', ')}`);
      }
      role = values.role as Role;
    } else if (command === 'revoke' || command === 'aws-key') {
      name = needName();
    }

    const databaseUrl = io.env.DATABASE_URL || DEFAULT_DATABASE_URL;
    // Opened before anything is written, so a bad key refuses the command whole.
    const box: SecretBox | null =
      command === 'aws-key' || (command === 'create' && values.aws)
        ? openSecretBox({
            envKey: io.env[SECRET_KEY_ENV],
            dataDir: dataDirFromDatabaseUrl(databaseUrl),
          })
        : null;
    const repository = await openRepository(databaseUrl);
    try {
      if (command === 'create' && name !== undefined && role !== undefined) {
        const secret = generateTokenSecret();
        let token: ApiToken;
        try {
          token = await repository.createApiToken(
            { name, role, hash: hashTokenSecret(secret) },
            { actor: cliActor() },
          );
        } catch (e) {
          if (e instanceof TokenNameTakenError) {
            io.err(`token: ${e.message}`);
            return 1;
          }
          throw e;
        }
        if (box) {
          const pair = await createAwsKeyPair(repository, box, token.id, { actor: cliActor() });
          io.out(
            [
              `LATENCY_ATLAS_TOKEN=${secret}`,
              `AWS_ACCESS_KEY_ID=${pair.accessKeyId}`,
              `AWS_SECRET_ACCESS_KEY=${pair.secretAccessKey}`,
            ].join('\n'),
          );
          io.err(
            `created the ${role} token "${name}" with the AWS access key ${pair.accessKeyId}; the ` +
              'secrets above are shown only this once: keep them (the token as "Authorization: ' +
              'Bearer <token>", the key pair for Route 53\'s API with an endpoint override)',
          );
          return 0;
        }
        io.out(secret);
        io.err(
          `created the ${role} token "${name}"; the secret above is shown only this once: keep it ` +
            '(send it as "Authorization: Bearer <token>")',
        );
        return 0;
      }
      if (command === 'aws-key' && name !== undefined && box) {
        const token = (await repository.listApiTokens()).find((t) => t.name === name);
        if (!token) {
          io.err(`token: there is no token named "${name}"`);
          return 1;
        }
        if (token.revokedAt !== null) {
          io.err(`token: the token "${name}" was revoked at ${token.revokedAt}`);
          return 1;
        }
        const pair = await createAwsKeyPair(repository, box, token.id, { actor: cliActor() });
        io.out(
          [
            `AWS_ACCESS_KEY_ID=${pair.accessKeyId}`,
            `AWS_SECRET_ACCESS_KEY=${pair.secretAccessKey}`,
          ].join('\n'),
        );
        io.err(
          `added the AWS access key ${pair.accessKeyId} to the ${token.role} token "${name}"; the ` +
            'secret above is shown only this once: keep it',
        );
        return 0;
      }
      if (command === 'revoke' && name !== undefined) {
        const token = await repository.revokeApiToken(name, { actor: cliActor() });
        if (!token) {
          io.err(`token: there is no token named "${name}"`);
          return 1;
        }
        io.out(`revoked the ${token.role} token "${token.name}" (at ${token.revokedAt})`);
        return 0;
      }
      const tokens = await repository.listApiTokens();
      io.out(values.json ? JSON.stringify(tokens, null, 2) : formatTable(tokens));
      return 0;
    } finally {
      await repository.close();
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`token: ${e.message}\n\n${TOKEN_CLI_USAGE}`);
      return 2;
    }
    if (e instanceof DatabaseUrlError || e instanceof SecretBoxError) {
      io.err(`token: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
