import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { loadConfig } from '@nonstop/core';
import { createPool, migrate, PgApiKeyStore } from '@nonstop/storage';

const INIT_ROLES = path.join(__dirname, '../../deploy/postgres/init-roles.sh');

/**
 * docker-compose.yml's database roles, on the real PostgreSQL: the init
 * script (as the postgres image runs it) on a scratch database, migrations as
 * the owner, then the app role doing the app's work and nothing more.
 */
describe('deploy/postgres/init-roles.sh', () => {
  const suffix = randomBytes(4).toString('hex');
  const database = `roles_${suffix}`;
  const owner = `roles_${suffix}_owner`;
  const app = `roles_${suffix}_app`;
  const superuserUrl = new URL(loadConfig().databaseUrl);
  const urlAs = (user: string): string => {
    const url = new URL(superuserUrl);
    url.username = user;
    url.password = randomBytes(8).toString('hex');
    url.pathname = `/${database}`;
    return url.toString();
  };
  const connectedAs = async <T>(url: string, work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const asSuperuser = <T>(work: (client: Client) => Promise<T>): Promise<T> => connectedAs(superuserUrl.toString(), work);
  const appPool = createPool(urlAs(app), { max: 1, applicationName: 'roles-test' });

  beforeAll(async () => {
    await asSuperuser((client) => client.query(`CREATE DATABASE "${database}"`));
    await promisify(execFile)('bash', [INIT_ROLES], {
      env: {
        PATH: process.env.PATH,
        PGHOST: superuserUrl.hostname,
        PGPORT: superuserUrl.port || '5432',
        POSTGRES_USER: decodeURIComponent(superuserUrl.username),
        POSTGRES_DB: database,
        DB_OWNER: owner,
        DB_OWNER_PASSWORD: randomBytes(8).toString('hex'),
        DB_APP_USER: app,
        DB_APP_PASSWORD: randomBytes(8).toString('hex'),
      },
    });
    await migrate(urlAs(owner));
  });
  afterAll(async () => {
    await appPool.end();
    await asSuperuser(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS "${app}"`);
      await client.query(`DROP ROLE IF EXISTS "${owner}"`);
    });
  });

  it('makes neither role a superuser, and the owner the owner of the database and its tables', async () => {
    const roles = await asSuperuser((client) =>
      client.query<{ rolname: string; rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean }>(
        'SELECT rolname, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname',
        [[owner, app]],
      ),
    );
    expect(roles.rows).toEqual([
      { rolname: app, rolsuper: false, rolcreatedb: false, rolcreaterole: false },
      { rolname: owner, rolsuper: false, rolcreatedb: false, rolcreaterole: false },
    ]);
    const tables = await connectedAs(urlAs(owner), (client) =>
      client.query("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"),
    );
    expect(tables.rows).toEqual([{ tableowner: owner }]);
  });

  it('lets the app role read and write rows through the real store', async () => {
    const keys = new PgApiKeyStore(appPool);
    const created = await keys.create(`acct-${suffix}`);
    expect((await keys.list(`acct-${suffix}`)).map((key) => key.id)).toEqual([created.id]);
    await keys.revoke(created.id);
    expect(await keys.countActive()).toBe(0);
    expect((await appPool.query('DELETE FROM api_keys')).rowCount).toBe(1);
  });

  it.each([
    ['create a table', 'CREATE TABLE intruder (id int)'],
    ['alter a table', 'ALTER TABLE ingest_jobs ADD COLUMN intruder int'],
    ['drop a table', 'DROP TABLE api_keys'],
    ['truncate a table', 'TRUNCATE api_keys'],
  ])('refuses the app role to %s', async (_what, statement) => {
    await expect(appPool.query(statement)).rejects.toMatchObject({ code: '42501' });
  });
});
