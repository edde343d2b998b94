/**
 * npm run keys -- create --role <admin|editor|viewer|partner> --name <name> [--partner <id>]
 * npm run keys -- revoke <id|name>
 * npm run keys -- list
 *
 * Works on DATA_DIR/keys.json directly, so it works whether or not a server
 * holds the store; a running server sees the change on its next request.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { CreateKeyRequest } from '../schemas/access.js';
import { KeyError, KeyRing } from './keys.js';

const USAGE = `usage: npm run keys -- create --role admin|editor|viewer|partner --name <name> [--partner <partner id>]
       npm run keys -- revoke <key id or name>
       npm run keys -- list`;

function fail(message: string, code = 1): never {
  console.error(`keys: ${message}`);
  process.exit(code);
}

function main(): void {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { role: { type: 'string' }, name: { type: 'string' }, partner: { type: 'string' } } });
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  const [command, target] = positionals;
  const config = loadConfig();
  const keys = new KeyRing(config.dataDir);
  // Key changes made here are signed by the operating-system user who made them.
  const by = `cli:${userInfo().username}`;

  if (command === 'create') {
    const request = CreateKeyRequest.safeParse({ name: values.name, role: values.role, partner: values.partner });
    if (!request.success) fail(request.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ') + `\n${USAGE}`, 2);
    const created = keys.create(request.data, by);
    console.log(`created ${created.role} key ${created.id} "${created.name}"${created.partner ? ` for partner ${created.partner}` : ''} in ${keys.file}`);
    console.log('the key (shown once, only its hash is stored):');
    console.log(created.key);
    return;
  }
  if (command === 'revoke') {
    if (target === undefined) fail(`which key? ${USAGE}`, 2);
    const revoked = keys.revoke(target, by);
    if (revoked === undefined) fail(`no key in force with id or name "${target}" in ${keys.file}`);
    console.log(`revoked ${revoked.role} key ${revoked.id} "${revoked.name}": refused from now on`);
    return;
  }
  if (command === 'list') {
    const list = keys.list();
    if (list.length === 0) console.log(`no keys in ${keys.file}`);
    for (const k of list) {
      const state = k.revokedAt === undefined ? 'active' : `revoked ${k.revokedAt} by ${k.revokedBy}`;
      console.log(`${k.id}  ${k.role.padEnd(7)}  ${k.name}${k.partner ? ` (partner ${k.partner})` : ''}  created ${k.createdAt} by ${k.createdBy}  ${state}`);
    }
    return;
  }
  fail(USAGE, 2);
}

try {
  main();
} catch (error) {
  // A clear line, not a stack: a damaged key file, a name in use, an unwritable DATA_DIR.
  if (error instanceof KeyError || (error as NodeJS.ErrnoException).code !== undefined) fail((error as Error).message);
  throw error;
}
