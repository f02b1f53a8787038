import type { Knex } from 'knex';

// A charge bills an invoice (the platform's `invoices`) to a payment method; a refund gives part of it back.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('charges', (t) => {
    t.bigIncrements('id');
    t.string('tenant_id', 255).notNullable().references('id').inTable('tenant');
    t.integer('payment_method_id').unsigned().notNullable().references('payment_methods.id');
    t.uuid('invoice_id').references('id').inTable('invoices');
    t.integer('created_by').references('users.id');
    t.decimal('amount', 12, 2).notNullable();
    t.string('currency', 3).notNullable().defaultTo('EUR');
    t.string('status', 16).notNullable().defaultTo('pending');
    t.timestamp('captured_at', { useTz: true });
  });

  await knex.schema.createTable('refunds', (t) => {
    t.increments('id');
    t.bigInteger('charge_id').notNullable();
    t.uuid('approved_by').references('id').inTable('users');
    t.decimal('amount', 12, 2).notNullable();
    t.text('reason');
    t.timestamps(true, true);
    t.foreign('charge_id').references('charges.id').onDelete('CASCADE');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('refunds');
  await knex.schema.dropTable('charges');
}
