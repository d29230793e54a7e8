import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where the generated admin key of an embedded database is kept: beside its credentials, outside the repo's tracked files. */
export function adminKeyFileOf(embeddedDataDir: string): string {
  return `${embeddedDataDir}.admin-key`;
}

/**
 * The admin key of the embedded database: generated on its first start (when ADMIN_API_KEY is unset)
 * and read back on every later one, so the key printed once keeps working. Readable by its owner only.
 */
export async function loadOrCreateAdminKey(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const key = `lmk_${randomBytes(32).toString('base64url')}`;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return key;
}
