/**
 * API keys, kept in DATA_DIR/keys.json so that the keys CLI works whether or
 * not a server holds the store (the embedded store is locked by its server).
 * The file holds only SHA-256 hashes: a key is 256 random bits, so a fast hash
 * is as safe as a slow one (slow hashes stretch guessable passwords; nobody
 * guesses 2^256). Writes go to a temporary file renamed over the old one, so
 * a reader sees the old file or the new one, never half of one; the server
 * checks the file's identity on every request and re-reads it when it
 * changed, so a revoke by the CLI takes effect at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ApiKey, type CreateKeyRequest } from '../schemas/access.js';

export const KEYS_FILE = 'keys.json';

const StoredKey = ApiKey.extend({ hash: z.string().regex(/^[0-9a-f]{64}$/) });
type StoredKey = z.infer<typeof StoredKey>;
const KeysFile = z.object({ keys: z.array(StoredKey) });

/** Keys start with a recognisable prefix (secret scanners, logs) followed by 256 random bits. */
const KEY_PREFIX = 'eco_';

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export class KeyError extends Error {}

/** A key's creation or revocation, as the file records it. */
export interface KeyEvent {
  key: string;
  kind: 'create' | 'revoke';
  at: string;
  by: string;
}

const withoutHash = ({ hash: _hash, ...key }: StoredKey): ApiKey => key;

export class KeyRing {
  readonly file: string;
  private seen = '';
  private keys: StoredKey[] = [];
  private byHash = new Map<string, StoredKey>();

  /** `onChange`: called when another process (the keys CLI) changed the file, after it is read again. */
  constructor(
    dataDir: string,
    private readonly onChange: () => void = () => undefined,
  ) {
    this.file = path.resolve(dataDir, KEYS_FILE);
  }

  /** The file's identity: a rename gives a new inode; size and time cover the rest. */
  private identity(): string {
    try {
      const stat = statSync(this.file);
      return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      return 'absent';
    }
  }

  /** Re-reads the file when it is not the one last read or written here. */
  private refresh(): void {
    const identity = this.identity();
    if (identity === this.seen) return;
    const first = this.seen === '';
    this.take(identity === 'absent' ? [] : this.parse(readFileSync(this.file, 'utf8')), identity);
    if (!first) this.onChange();
  }

  private take(keys: StoredKey[], identity: string): void {
    this.keys = keys;
    this.byHash = new Map(keys.filter((k) => k.revokedAt === undefined).map((k) => [k.hash, k]));
    this.seen = identity;
  }

  /** Every creation and revocation the file records. */
  events(): KeyEvent[] {
    this.refresh();
    return this.keys.flatMap((k) => [
      { key: k.id, kind: 'create' as const, at: k.createdAt, by: k.createdBy },
      ...(k.revokedAt === undefined ? [] : [{ key: k.id, kind: 'revoke' as const, at: k.revokedAt, by: k.revokedBy ?? 'unknown' }]),
    ]);
  }

  private parse(text: string): StoredKey[] {
    const parsed = KeysFile.safeParse(JSON.parse(text));
    // A damaged key file must not open the server: fail loudly instead.
    if (!parsed.success) throw new KeyError(`the key file ${this.file} is not valid: ${parsed.error.issues[0]?.message ?? 'bad shape'}`);
    return parsed.data.keys;
  }

  /** Every key, revoked ones included, oldest first. */
  list(): ApiKey[] {
    this.refresh();
    return this.keys.map(withoutHash);
  }

  /** Whether any key is in force. */
  hasActiveKeys(): boolean {
    this.refresh();
    return this.byHash.size > 0;
  }

  /** The key in force that this secret opens, if any. */
  authenticate(secret: string): ApiKey | undefined {
    this.refresh();
    const key = this.byHash.get(hashKey(secret));
    return key === undefined ? undefined : withoutHash(key);
  }

  /** Creates a key; the secret is returned here and never again. */
  create(request: CreateKeyRequest, by: string): ApiKey & { key: string } {
    this.refresh();
    if (this.keys.some((k) => k.name === request.name && k.revokedAt === undefined)) throw new KeyError(`a key named "${request.name}" exists: revoke it first or pick another name`);
    const secret = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const stored: StoredKey = {
      id: `key_${randomBytes(6).toString('hex')}`,
      name: request.name,
      role: request.role,
      ...(request.partner === undefined ? {} : { partner: request.partner }),
      createdAt: new Date().toISOString(),
      createdBy: by,
      hash: hashKey(secret),
    };
    this.save([...this.keys, stored]);
    return { ...withoutHash(stored), key: secret };
  }

  /** Revokes the key in force with this id or name; returns it, or undefined when there is none. */
  revoke(idOrName: string, by: string): ApiKey | undefined {
    this.refresh();
    const target = this.keys.find((k) => k.revokedAt === undefined && (k.id === idOrName || k.name === idOrName));
    if (target === undefined) return undefined;
    const revoked: StoredKey = { ...target, revokedAt: new Date().toISOString(), revokedBy: by };
    this.save(this.keys.map((k) => (k === target ? revoked : k)));
    return withoutHash(revoked);
  }

  /**
   * Temporary file, then rename: atomic on one file system. Read, change and
   * write are synchronous, so writes of one process never interleave; two
   * processes writing in the same millisecond could still lose one change.
   */
  private save(keys: StoredKey[]): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.file);
    // Our own change: taken as read, so that it does not count as another process's.
    this.take(keys, this.identity());
  }
}
