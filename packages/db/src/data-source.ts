/**
 * Entry point for the TypeORM CLI: `typeorm migration:run -d dist/data-source.js`.
 * Importing it connects: to `DATABASE_URL`, or to the embedded PostgreSQL, which it starts and
 * which stops when the process exits. Application code calls `openDatabase` instead.
 */
import { DataSource } from 'typeorm';
import { loadDatabaseConfig } from './config';
import { createDataSourceOptions, openDatabase } from './connection';

export default openDatabase(loadDatabaseConfig()).then(
  (database) => new DataSource(createDataSourceOptions(database.url)),
);
