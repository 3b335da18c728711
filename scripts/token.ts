/**
 * `npm run token -- create --name alice --role editor [--aws] | aws-key --name alice | list |
 * revoke --name alice`:
 * manage API tokens in the database DATABASE_URL names (as npm start does).
 */
import { runTokenCli } from '../src/server/auth/token-cli';

process.exitCode = await runTokenCli(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
