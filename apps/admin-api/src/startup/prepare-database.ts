import { connectDataSource, type DatabaseHandle } from '@llm-metrics/db/connection';
import { type DemoResult, seedDemoDataOnce } from '@llm-metrics/db/demo-data';
import { migrate } from '@llm-metrics/db/migrator';

export interface PrepareOptions {
  /** Apply pending migrations to a DATABASE_URL database (`MIGRATE_ON_START`); the embedded one always is. */
  readonly migrate: boolean;
  /** Write demo data into a DATABASE_URL database too (`--demo`); the embedded one always gets it once. */
  readonly demo: boolean;
  /** The end of the demo month (tests fix it). */
  readonly now?: Date;
}

export interface Prepared {
  /** Migrations applied by this start. */
  readonly migrations: readonly string[];
  /** Demo rows written by this start (0 when the database already held generations). */
  readonly demo: DemoResult | null;
}

/**
 * What the API does before serving. The embedded database is the developer's own: it is migrated and
 * gets the demo month on its first start. A DATABASE_URL database is migrated unless MIGRATE_ON_START is
 * false (replicas starting together apply each migration once: `migrate` holds a lock); demo data goes
 * into it only when asked for explicitly, and only while it holds no generations.
 */
export async function prepareDatabase(database: DatabaseHandle, options: PrepareOptions): Promise<Prepared> {
  const embedded = database.origin === 'embedded';
  const migrating = embedded || options.migrate;
  const seeding = embedded || options.demo;
  if (!migrating && !seeding) return { migrations: [], demo: null };
  const dataSource = await connectDataSource(database.url);
  try {
    const migrations = migrating ? await migrate(dataSource) : [];
    const demo = seeding ? await seedDemoDataOnce(dataSource, { now: options.now }) : null;
    return { migrations, demo };
  } finally {
    await dataSource.destroy();
  }
}
