import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { asDependencyError } from './dependency-error';

/** Runs work in one transaction; connection failures become DependencyError('postgresql'). */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw asDependencyError(error);
  }
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw asDependencyError(error);
  } finally {
    client.release();
  }
}

export async function runQuery<T extends QueryResultRow>(
  pool: Pool, sql: string, params: unknown[] = [],
): Promise<{ rows: T[]; rowCount: number | null }> {
  try {
    return await pool.query<T>(sql, params);
  } catch (error) {
    throw asDependencyError(error);
  }
}
