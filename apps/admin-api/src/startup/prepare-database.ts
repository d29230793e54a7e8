import { connectDataSource, type DatabaseHandle } from '@llm-metrics/db/connection';
import { type DemoResult, seedDemoDataOnce } from '@llm-metrics/db/demo-data';
import { migrate } from '@llm-metrics/db/migrator';

export interface PrepareOptions {
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
 * What `npm start` does before serving. The embedded database is the developer's own: it is migrated
 * and gets the demo month on its first start. A DATABASE_URL database is served as it is; demo data
 * goes into it only when asked for explicitly, and only while it holds no generations.
 */
export async function prepareDatabase(database: DatabaseHandle, options: PrepareOptions): Promise<Prepared> {
  const embedded = database.origin === 'embedded';
  if (!embedded && !options.demo) return { migrations: [], demo: null };
  const dataSource = await connectDataSource(database.url);
  try {
    const migrations = embedded ? await migrate(dataSource) : [];
    const demo = await seedDemoDataOnce(dataSource, { now: options.now });
    return { migrations, demo };
  } finally {
    await dataSource.destroy();
  }
}
