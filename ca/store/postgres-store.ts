/**
 * The shared Store: PostgreSQL through node-postgres, for several CA replicas
 * on one database. Each key family is a table (postgres-schema.ts). The
 * journal runs every group inside `exclusive`: one transaction that first
 * locks the journal's lock row FOR UPDATE, so the audit chain and every
 * read-decide-write have one writer at a time across all replicas; one-time
 * secrets are spent by a compare-and-set UPDATE in that same transaction.
 * Commits NOTIFY the tables they wrote; `watch` turns that into wake-ups and
 * wakes everyone after a reconnection too, since a notice can be lost.
 */
import pg from 'pg';
import { TesseraError } from '../../agent-sdk/errors.js';
import type { KeyRange, SharedStore, StoreOp, StoreTransaction } from './store.js';
import {
  CHANGES_CHANNEL, JOURNAL_LOCK_TABLE, SCHEMA_SQL, type KeyFamily, columnOf, familyOf, keyOf, rangeOf,
} from './postgres-schema.js';

// Rows per round trip when streaming a range.
const PAGE_ROWS = 500;
// How long a caller waits for a connection before the CA answers UNAVAILABLE.
const CONNECT_TIMEOUT_MS = 3_000;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 2_000;
// An arbitrary constant: serializes schema creation between replicas starting together.
const SCHEMA_LOCK = 7_342_001;

type Queryable = Pick<pg.PoolClient, 'query'>;

export class PostgresStore implements SharedStore {
  readonly #pool: pg.Pool;
  readonly #url: string;
  readonly #watchers = new Map<(() => void), string>();
  #listener: pg.Client | undefined;
  #reconnectMs = RECONNECT_MIN_MS;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(url: string, pool: pg.Pool) {
    this.#url = url;
    this.#pool = pool;
  }

  /**
   * Connects to `url` (postgresql://...) and creates the tables if missing.
   *
   * @throws {TesseraError} ERR_UNAVAILABLE when the database cannot be reached.
   * @example const store = await PostgresStore.create('postgresql://tessera@db/tessera');
   */
  static async create(url: string): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // An idle client whose server went away emits 'error'; the pool drops it and connects anew.
    pool.on('error', () => {});
    const store = new PostgresStore(url, pool);
    try {
      await store.#transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
        for (const sql of SCHEMA_SQL) await client.query(sql);
      });
    } catch (err) {
      await pool.end();
      throw err;
    }
    return store;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return (await this.getMany([key]))[0];
  }

  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    return this.#unavailableOnLoss(() => readMany(this.#pool, keys));
  }

  /** Applies every op in one transaction; resolves once committed (PostgreSQL syncs its WAL at commit). */
  async write(ops: readonly StoreOp[]): Promise<void> {
    if (ops.length === 0) return;
    await this.#transaction((client) => writeAll(client, ops));
  }

  entries(range: KeyRange): AsyncIterable<[string, Uint8Array]> {
    return readRange(this.#pool, range, (run) => this.#unavailableOnLoss(run));
  }

  /** See SharedStore.exclusive: the journal lock row is held until commit. */
  async exclusive<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.#transaction(async (client) => {
      await client.query(`SELECT id FROM ${JOURNAL_LOCK_TABLE} WHERE id = 1 FOR UPDATE`);
      const pending: StoreOp[] = [];
      const result = await fn({
        get: async (key) => (await readMany(client, [key]))[0],
        getMany: (keys) => readMany(client, keys),
        // A transaction's range reads run on its own connection, one page at a time.
        entries: (range) => readRange(client, range, (run) => run()),
        write: async (ops) => {
          pending.push(...ops);
        },
      });
      await writeAll(client, pending);
      return result;
    });
  }

  watch(prefix: string, onChange: () => void): () => void {
    this.#watchers.set(onChange, familyOf(prefix).table);
    if (!this.#listener && !this.#reconnectTimer) this.#listen();
    return () => this.#watchers.delete(onChange);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    await this.#listener?.end().catch(() => {});
    await this.#pool.end();
  }

  /** One LISTEN connection; when it drops, reconnect with backoff and wake every watcher. */
  #listen(): void {
    if (this.#closed) return;
    const client = new pg.Client({ connectionString: this.#url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    this.#listener = client;
    const retry = () => {
      if (this.#listener !== client) return;
      this.#listener = undefined;
      client.end().catch(() => {});
      if (this.#closed) return;
      this.#reconnectTimer = setTimeout(() => {
        this.#reconnectTimer = undefined;
        this.#listen();
      }, this.#reconnectMs);
      this.#reconnectTimer.unref();
      this.#reconnectMs = Math.min(this.#reconnectMs * 2, RECONNECT_MAX_MS);
    };
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', (message) => {
      for (const [watcher, table] of this.#watchers) if (table === message.payload) watcher();
    });
    client.connect()
      .then(() => client.query(`LISTEN ${CHANGES_CHANNEL}`))
      .then(() => {
        this.#reconnectMs = RECONNECT_MIN_MS;
        // Whatever was committed while nobody listened: the watchers read it now.
        for (const watcher of this.#watchers.keys()) watcher();
      }, retry);
  }

  /** BEGIN ... COMMIT on one pooled connection; ROLLBACK if `fn` throws. */
  async #transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.#unavailableOnLoss(async () => {
      const client = await this.#pool.connect();
      let broken: unknown;
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        broken = isConnectionLoss(err) ? err : undefined;
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        // A connection that failed is not handed out again.
        client.release(broken as Error | undefined);
      }
    });
  }

  /** Turns the database being out of reach into ERR_UNAVAILABLE: the CA fails closed and says so. */
  async #unavailableOnLoss<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (isConnectionLoss(err)) throw new TesseraError('ERR_UNAVAILABLE', 'the database is unreachable', { cause: err });
      throw err;
    }
  }
}

/** The values at `keys`, one query per table. */
async function readMany(client: Queryable, keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
  const values = new Map<string, Uint8Array>();
  for (const [family, members] of groupByFamily(keys)) {
    const column = family.keyType === 'seq' ? 'seq' : 'key';
    const cast = family.keyType === 'seq' ? 'bigint[]' : 'text[]';
    const { rows } = await client.query<{ k: string; value: Buffer }>(
      `SELECT ${column}::text AS k, value FROM ${family.table} WHERE ${column} = ANY($1::${cast})`, [members.map((key) => columnOf(family, key))],
    );
    for (const row of rows) values.set(keyOf(family, row.k), new Uint8Array(row.value));
  }
  return keys.map((key) => values.get(key));
}

/**
 * Applies `ops` on `client` (inside its transaction): upserts, deletes, and
 * compare-and-set updates that must hit their row, else the transaction fails.
 * Notifies each table written; PostgreSQL delivers that only on commit.
 */
async function writeAll(client: Queryable, ops: readonly StoreOp[]): Promise<void> {
  const tables = new Set<string>();
  for (const op of ops) {
    const family = familyOf(op.key);
    const column = family.keyType === 'seq' ? 'seq' : 'key';
    const key = columnOf(family, op.key);
    tables.add(family.table);
    if (op.type === 'del') {
      await client.query(`DELETE FROM ${family.table} WHERE ${column} = $1`, [key]);
    } else if (op.expected === undefined) {
      await client.query(
        `INSERT INTO ${family.table} (${column}, value) VALUES ($1, $2) ON CONFLICT (${column}) DO UPDATE SET value = EXCLUDED.value`,
        [key, Buffer.from(op.value)],
      );
    } else {
      const { rowCount } = op.expected === null
        ? await client.query(`INSERT INTO ${family.table} (${column}, value) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [key, Buffer.from(op.value)])
        : await client.query(`UPDATE ${family.table} SET value = $2 WHERE ${column} = $1 AND value = $3`, [key, Buffer.from(op.value), Buffer.from(op.expected)]);
      if (rowCount !== 1) throw new Error(`${family.table} row changed since it was read`);
    }
  }
  for (const table of tables) await client.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, table]);
}

/** A range, in pages of PAGE_ROWS, each page a query that resumes after the last key seen. */
async function* readRange(
  client: Queryable, range: KeyRange, guard: <T>(run: () => Promise<T>) => Promise<T>,
): AsyncIterable<[string, Uint8Array]> {
  const { family, gte, lt } = rangeOf(range);
  const column = family.keyType === 'seq' ? 'seq' : 'key';
  const cast = family.keyType === 'seq' ? 'bigint' : 'text';
  const descending = range.reverse === true;
  let remaining = range.limit ?? Infinity;
  let after: string | undefined;
  while (remaining > 0) {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const bound = (op: string, value: string) => {
      params.push(value);
      conditions.push(`${column} ${op} $${params.length}::${cast}`);
    };
    if (gte !== undefined) bound('>=', gte);
    if (lt !== undefined) bound('<', lt);
    if (after !== undefined) bound(descending ? '<' : '>', after);
    const pageRows = Math.min(PAGE_ROWS, remaining);
    const sql = `SELECT ${column}::text AS k, value FROM ${family.table}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}`
      + ` ORDER BY ${column} ${descending ? 'DESC' : 'ASC'} LIMIT ${pageRows}`;
    const { rows } = await guard(() => client.query<{ k: string; value: Buffer }>(sql, params));
    for (const row of rows) yield [keyOf(family, row.k), new Uint8Array(row.value)];
    if (rows.length < pageRows) return;
    remaining -= rows.length;
    after = rows[rows.length - 1]!.k;
  }
}

function groupByFamily(keys: readonly string[]): Map<KeyFamily, string[]> {
  const groups = new Map<KeyFamily, string[]>();
  for (const key of new Set(keys)) {
    const family = familyOf(key);
    groups.set(family, [...(groups.get(family) ?? []), key]);
  }
  return groups;
}

/**
 * Whether `err` means the database is out of reach (refused, dropped, shut
 * down, timed out), as opposed to a query it refused: SQLSTATE classes 08
 * (connection exception), 57P (operator intervention), too many connections, and Node socket errors.
 */
function isConnectionLoss(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P') || code === '53300' || code.startsWith('E'))) return true;
  const message = err instanceof Error ? err.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(message);
}

