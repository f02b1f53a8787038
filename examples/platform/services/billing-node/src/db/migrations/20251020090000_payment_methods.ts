import type { Knex } from 'knex';

// Cards and bank accounts on file, one owner each. `tenants` and `users` belong to the Python platform.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('payment_methods', (t) => {
    t.increments('id');
    t.string('tenant_id', 255).notNullable().references('id').inTable('tenants').onDelete('CASCADE');
    t.uuid('owner_id').notNullable().references('users.id');
    t.string('kind', 32).notNullable();
    t.string('last4', 4);
    t.boolean('is_default').notNullable().defaultTo(false);
    t.timestamps(true, true);
    t.unique(['tenant_id', 'owner_id', 'last4']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('payment_methods');
}
