// The one way a registry CLI command (site, user, token, audit, epro, export registry) gets its database: the
// embedded or configured database, migrated, without the evidence sync (src/app.ts openRegistry); a registry
// rule's refusal (CommandError) becomes the CLI's one-line user error naming the field.
import { openRegistry } from '../app.ts';
import { CommandError } from '../registry/validation.ts';
import type { Db } from '../store/db.ts';
import { defaultOpenOptions } from '../store/db.ts';
import { UserError } from './errors.ts';

export async function withRegistryDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openRegistry(defaultOpenOptions());
  try {
    return await fn(db);
  } catch (e) {
    if (e instanceof CommandError) throw new UserError(`${e.field}: ${e.message}`);
    throw e;
  } finally {
    await db.close();
  }
}
