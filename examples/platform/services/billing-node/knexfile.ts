import type { Knex } from 'knex';

// The billing service shares the platform's database: its tables reference `tenants` and `users`, which the
// Python platform's Alembic migrations create (alembic/versions/ at the root of this workspace).
const config: Knex.Config = {
  client: 'pg',
  connection: process.env.DATABASE_URL,
  migrations: {
    directory: './src/db/migrations',
    extension: 'ts',
    tableName: 'knex_migrations_billing',
  },
};

export default config;
