// Generates synthetic but realistic SQLAlchemy workspaces for the bench. Output is deterministic for a given
// spec (seeded PRNG), so runs on different days and machines scan the same code.
//
// A workspace is a `src/app/` package tree: model files (classic `Column` and 2.0 `mapped_column` models,
// mixins, enums, relationships, methods, cross-file foreign keys, a few broken ones), optionally Alembic
// migrations and plain Python files (services, schemas, API routes) that the prefilter should reject, as in a
// real codebase where most files define no table.
import { mkdirSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** A workspace is regenerated when this file changes, so a cached one never lags behind the generator. */
const GENERATOR_HASH = createHash('sha1').update(readFileSync(fileURLToPath(import.meta.url))).digest('hex').slice(0, 12);

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOUNS = [
  'account', 'address', 'alert', 'asset', 'audit_entry', 'batch', 'bundle', 'campaign', 'carrier', 'catalog',
  'certificate', 'channel', 'charge', 'circuit', 'contact', 'contract', 'coupon', 'credit_note', 'customer',
  'device', 'discount', 'dispatch', 'document', 'domain', 'endpoint', 'escalation', 'event', 'feature', 'fiber_link',
  'gateway', 'incident', 'interface', 'inventory_item', 'invoice', 'ip_pool', 'job', 'ledger', 'lead', 'license',
  'mailbox', 'maintenance', 'meter', 'network', 'notification', 'offer', 'outage', 'partner', 'payment', 'payout',
  'plan', 'policy', 'port', 'price', 'probe', 'product', 'profile', 'quota', 'receipt', 'refund', 'region', 'reseller',
  'rule', 'schedule', 'segment', 'session', 'shipment', 'site', 'sla', 'snapshot', 'subscriber', 'subscription',
  'survey', 'task', 'team', 'technician', 'template', 'ticket', 'token', 'topology', 'transaction', 'usage_record',
  'vendor', 'voucher', 'warehouse', 'webhook', 'work_order', 'zone',
];
const PACKAGES = [
  'billing', 'crm', 'network', 'provisioning', 'support', 'inventory', 'analytics', 'auth', 'notifications',
  'partners', 'field_ops', 'monitoring', 'catalog', 'payments', 'compliance', 'integrations',
];
const STATUSES = ['pending', 'active', 'suspended', 'cancelled', 'failed', 'archived', 'draft', 'expired'];
const KEY_TYPES = ['int', 'int', 'int', 'uuid', 'uuid', 'str36', 'str255'];

const camel = (s) => s.replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase());
const plural = (s) => (s.endsWith('y') && !/[aeiou]y$/.test(s) ? `${s.slice(0, -1)}ies` : s.endsWith('s') ? `${s}es` : `${s}s`);

/** How each key type is written, in the two styles. */
const KEY_SPELLING = {
  int: { col: 'Integer', ann: 'int', pk: 'Integer, primary_key=True, autoincrement=True' },
  uuid: { col: 'UUID(as_uuid=True)', ann: 'uuid.UUID', pk: 'UUID(as_uuid=True), primary_key=True, default=uuid.uuid4' },
  str36: { col: 'String(36)', ann: 'str', pk: 'String(36), primary_key=True, default=lambda: str(uuid.uuid4())' },
  str255: { col: 'String(255)', ann: 'str', pk: 'String(255), primary_key=True, default=lambda: str(uuid.uuid4())' },
};
/** A type that PostgreSQL refuses as a FK onto each key type, for the planted type mismatches. */
const WRONG_TYPE = { int: 'String(255)', uuid: 'String(255)', str36: 'Integer', str255: 'Integer' };

const PLAIN_COLUMNS = [
  ['name', 'String(255)', 'str', 'nullable=False'],
  ['code', 'String(50)', 'str', 'nullable=False, unique=True'],
  ['description', 'Text', 'str | None', ''],
  ['notes', 'Text', 'str | None', ''],
  ['is_active', 'Boolean', 'bool', 'nullable=False, default=True'],
  ['is_deleted', 'Boolean', 'bool', 'nullable=False, default=False'],
  ['priority', 'Integer', 'int', 'nullable=False, default=0'],
  ['sort_order', 'Integer', 'int', 'nullable=False, default=0'],
  ['amount', 'Numeric(12, 2)', 'Decimal', 'nullable=False, default=0'],
  ['tax_amount', 'Numeric(12, 2)', 'Decimal', 'nullable=False, default=0'],
  ['currency', 'String(3)', 'str', 'nullable=False, default="USD"'],
  ['metadata_json', 'JSONB', 'dict', 'nullable=False, default=dict'],
  ['external_id', 'String(255)', 'str | None', 'index=True'],
  ['email', 'String(255)', 'str | None', ''],
  ['phone', 'String(50)', 'str | None', ''],
  ['starts_at', 'DateTime(timezone=True)', 'datetime | None', ''],
  ['ends_at', 'DateTime(timezone=True)', 'datetime | None', ''],
  ['last_synced_at', 'DateTime(timezone=True)', 'datetime | None', ''],
  ['retry_count', 'Integer', 'int', 'nullable=False, default=0'],
  ['version', 'Integer', 'int', 'nullable=False, default=1'],
  ['region_code', 'String(20)', 'str | None', ''],
  ['source', 'String(50)', 'str', 'nullable=False, default="api"'],
];

/**
 * Plans every table of the workspace first, so a foreign key can point at a table in any file (forward and
 * backward), as in a real code base.
 */
function planTables(rand, modelFiles) {
  const files = [];
  const tables = [];
  for (let i = 0; i < modelFiles; i++) {
    const pkg = PACKAGES[i % PACKAGES.length];
    const module = `models_${String(Math.floor(i / PACKAGES.length)).padStart(3, '0')}`;
    const path = `src/app/${pkg}/${module}.py`;
    const count = 3 + Math.floor(rand() * 4);
    const fileTables = [];
    for (let k = 0; k < count; k++) {
      const noun = NOUNS[Math.floor(rand() * NOUNS.length)];
      const n = i * 10 + k;
      const t = {
        name: `${pkg}_${plural(noun)}_${n}`,
        singular: `${pkg}_${noun}_${n}`,
        cls: `${camel(noun)}${n}`,
        noun,
        key: KEY_TYPES[Math.floor(rand() * KEY_TYPES.length)],
        mapped: rand() < 0.4,
        tenant: rand() < 0.5,
        fileIndex: i,
        pkg,
        module,
      };
      tables.push(t);
      fileTables.push(t);
    }
    files.push({ path, pkg, module, tables: fileTables });
  }
  return { files, tables };
}

const METHOD_BODIES = [
  (t) => [
    `    def __repr__(self) -> str:`,
    `        return f"<${t.cls} {self.id}>"`,
  ],
  (t) => [
    `    @property`,
    `    def is_current(self) -> bool:`,
    `        """True while the record is active and not past its end date."""`,
    `        if not getattr(self, "is_active", True):`,
    `            return False`,
    `        ends_at = getattr(self, "ends_at", None)`,
    `        return ends_at is None or ends_at > datetime.utcnow()`,
  ],
  (t) => [
    `    def to_dict(self) -> dict:`,
    `        """A JSON-ready view used by the ${t.pkg} API."""`,
    `        data = {}`,
    `        for column in self.__table__.columns:`,
    `            value = getattr(self, column.key)`,
    `            if isinstance(value, (datetime,)):`,
    `                value = value.isoformat()`,
    `            elif isinstance(value, Decimal):`,
    `                value = str(value)`,
    `            elif isinstance(value, uuid.UUID):`,
    `                value = str(value)`,
    `            data[column.key] = value`,
    `        return data`,
  ],
  (t) => [
    `    @classmethod`,
    `    def status_choices(cls) -> list[tuple[str, str]]:`,
    `        return [(s.value, s.name.replace("_", " ").title()) for s in ${t.cls}Status]`,
  ],
  (t) => [
    `    def mark_failed(self, reason: str) -> None:`,
    `        """Record a failure; the worker retries until the retry budget is spent."""`,
    `        self.status = ${t.cls}Status.FAILED`,
    `        self.notes = (self.notes or "") + f"\\n{datetime.utcnow():%Y-%m-%d %H:%M} {reason}"`,
    `        if hasattr(self, "retry_count"):`,
    `            self.retry_count = (self.retry_count or 0) + 1`,
  ],
  (t) => [
    `    def validate(self) -> list[str]:`,
    `        """Business rules the API checks before saving."""`,
    `        errors: list[str] = []`,
    `        name = getattr(self, "name", None)`,
    `        if name is not None and not name.strip():`,
    `            errors.append("name must not be blank")`,
    `        amount = getattr(self, "amount", None)`,
    `        if amount is not None and amount < 0:`,
    `            errors.append("amount must not be negative")`,
    `        starts_at = getattr(self, "starts_at", None)`,
    `        ends_at = getattr(self, "ends_at", None)`,
    `        if starts_at and ends_at and ends_at < starts_at:`,
    `            errors.append("ends_at must be after starts_at")`,
    `        return errors`,
  ],
];

/** Writes one FK column onto `target`; `broken` plants a problem of the given kind. */
function fkColumn(rand, t, target, name, broken, imported) {
  let refTable = target.name;
  let refCol = 'id';
  let type = KEY_SPELLING[target.key];
  let colType = type.col;
  if (broken === 'unknown-table') refTable = target.singular;
  if (broken === 'unknown-column') refCol = `${target.singular}_id`;
  if (broken === 'type-mismatch') colType = WRONG_TYPE[target.key];
  const ref = imported && !broken ? `${target.cls}.id` : `"${refTable}.${refCol}"`;
  const ondelete = rand() < 0.3 ? ', ondelete="CASCADE"' : '';
  const nullable = rand() < 0.5 ? 'nullable=False' : 'nullable=True';
  if (t.mapped) {
    const ann = type.ann + (nullable === 'nullable=True' ? ' | None' : '');
    // Without a type argument the column takes the key's type; only planted mismatches write one.
    if (!broken || broken !== 'type-mismatch') {
      if (rand() < 0.5) return [`    ${name}: Mapped[${ann}] = mapped_column(ForeignKey(${ref}${ondelete}), index=True)`];
      return [
        `    ${name}: Mapped[${ann}] = mapped_column(`,
        `        ${colType},`,
        `        ForeignKey(${ref}${ondelete}),`,
        `        ${nullable},`,
        `    )`,
      ];
    }
    return [`    ${name}: Mapped[${ann}] = mapped_column(${colType}, ForeignKey(${ref}${ondelete}), ${nullable})`];
  }
  if (rand() < 0.25) {
    return [
      `    ${name} = Column(`,
      `        ${colType},`,
      `        # Owned by the ${target.pkg} service; see its ${target.module} module.`,
      `        ForeignKey(${ref}${ondelete}),`,
      `        ${nullable},`,
      `        index=True,`,
      `    )`,
    ];
  }
  return [`    ${name} = Column(${colType}, ForeignKey(${ref}${ondelete}), ${nullable}, index=True)`];
}

function modelFile(rand, file, plan, opts) {
  const lines = [];
  const imports = new Map();
  const body = [];
  for (const t of file.tables) {
    body.push('', '', `class ${t.cls}Status(str, enum.Enum):`);
    for (const s of STATUSES.slice(0, 4 + Math.floor(rand() * 4))) body.push(`    ${s.toUpperCase()} = "${s}"`);
    const bases = [t.tenant ? 'TenantMixin' : null, rand() < 0.5 ? 'TimestampMixin' : null, 'Base'].filter(Boolean);
    body.push('', '', `class ${t.cls}(${bases.join(', ')}):`);
    body.push(`    """`, `    ${camel(t.noun).replace(/([a-z])([A-Z])/g, '$1 $2')} records for the ${t.pkg} service.`, '');
    body.push(`    Created by the ${t.pkg} API and updated by background workers. Rows are`);
    body.push(`    soft-deleted (\`is_deleted\`) so that reports keep their history.`, `    """`, '');
    body.push(`    __tablename__ = "${t.name}"`);
    if (rand() < 0.5) body.push(`    __table_args__ = (Index("ix_${t.name}_status_created", "status", "id"),)`);
    body.push('');
    body.push(t.mapped ? `    id: Mapped[${KEY_SPELLING[t.key].ann}] = mapped_column(${KEY_SPELLING[t.key].pk})` : `    id = Column(${KEY_SPELLING[t.key].pk})`);
    body.push(
      t.mapped
        ? `    status: Mapped[${t.cls}Status] = mapped_column(Enum(${t.cls}Status), default=${t.cls}Status.PENDING, index=True)`
        : `    status = Column(Enum(${t.cls}Status), nullable=False, default=${t.cls}Status.PENDING, index=True)`,
    );
    const plainCount = 6 + Math.floor(rand() * 12);
    const start = Math.floor(rand() * PLAIN_COLUMNS.length);
    for (let c = 0; c < plainCount; c++) {
      const [name, type, ann, kw] = PLAIN_COLUMNS[(start + c) % PLAIN_COLUMNS.length];
      if (c % 5 === 0) body.push('', `    # ${['Identity', 'Lifecycle', 'Money', 'Integration', 'Bookkeeping'][c / 5 % 5]}`);
      body.push(
        t.mapped
          ? `    ${name}: Mapped[${ann}] = mapped_column(${type}${kw ? `, ${kw}` : ''})`
          : `    ${name} = Column(${type}${kw ? `, ${kw}` : ''})`,
      );
    }
    // Foreign keys: mostly into other files and packages.
    const fkCount = 1 + Math.floor(rand() * 4);
    body.push('', '    # References');
    const rels = [];
    for (let f = 0; f < fkCount; f++) {
      const target = plan.tables[Math.floor(rand() * plan.tables.length)];
      if (target === t) continue;
      const name = `${target.noun}_${f}_id`;
      const r = rand();
      const broken = r < opts.brokenRate / 3 ? 'unknown-table' : r < (2 * opts.brokenRate) / 3 ? 'unknown-column' : r < opts.brokenRate ? 'type-mismatch' : null;
      // A few references use the class attribute form, which needs the class imported.
      const sameFile = target.fileIndex === t.fileIndex;
      const imported = !sameFile && rand() < 0.1;
      if (imported) {
        const mod = `app.${target.pkg}.${target.module}`;
        if (!imports.has(mod)) imports.set(mod, new Set());
        imports.get(mod).add(target.cls);
      }
      body.push(...fkColumn(rand, t, target, name, broken, imported));
      rels.push(`    ${name.replace(/_id$/, '')} = relationship("${target.cls}", foreign_keys=[${name}])`);
    }
    if (!t.mapped) body.push('', ...rels);
    // Methods fill the file to a realistic size.
    body.push('');
    const methods = 1 + Math.floor(rand() * 3);
    for (let m = 0; m < methods; m++) body.push(...METHOD_BODIES[Math.floor(rand() * METHOD_BODIES.length)](t), '');
  }
  lines.push(`"""${camel(file.pkg)} models (${file.module}).`, '', `Generated for the FK Guard bench.`, `"""`, '');
  lines.push('from __future__ import annotations', '', 'import enum', 'import uuid', 'from datetime import datetime', 'from decimal import Decimal', '');
  lines.push('from sqlalchemy import Boolean, Column, DateTime, Enum, ForeignKey, Index, Integer, Numeric, String, Text');
  lines.push('from sqlalchemy.dialects.postgresql import JSONB, UUID');
  lines.push('from sqlalchemy.orm import Mapped, mapped_column, relationship', '');
  lines.push('from app.core.mixins import TenantMixin, TimestampMixin');
  lines.push('from app.db import Base');
  for (const [mod, names] of [...imports].sort()) lines.push(`from ${mod} import ${[...names].sort().join(', ')}`);
  lines.push(...body);
  return lines;
}

/** Helper functions that look like service code; used to pad files to their target size. */
function serviceFunction(rand, n) {
  const noun = NOUNS[Math.floor(rand() * NOUNS.length)];
  return [
    '',
    '',
    `async def process_${noun}_${n}(session, payload: dict, *, dry_run: bool = False) -> dict:`,
    `    """Validate and apply a ${noun.replace(/_/g, ' ')} change coming from the public API."""`,
    `    errors = []`,
    `    if not payload.get("${noun}_id"):`,
    `        errors.append("${noun}_id is required")`,
    `    amount = payload.get("amount")`,
    `    if amount is not None and Decimal(str(amount)) < 0:`,
    `        errors.append("amount must not be negative")`,
    `    if errors:`,
    `        logger.warning("rejected ${noun} change: %s", errors)`,
    `        return {"ok": False, "errors": errors}`,
    `    if dry_run:`,
    `        return {"ok": True, "dry_run": True}`,
    `    result = await session.execute(`,
    `        select_${noun}_query(payload["${noun}_id"]).limit(1)`,
    `    )`,
    `    record = result.scalar_one_or_none()`,
    `    if record is None:`,
    `        return {"ok": False, "errors": ["not found"]}`,
    `    for key, value in payload.items():`,
    `        if key in ALLOWED_FIELDS and getattr(record, key, None) != value:`,
    `            setattr(record, key, value)`,
    `    await session.flush()`,
    `    return {"ok": True, "id": str(record.id)}`,
  ];
}

function plainFile(rand, kind, i, target) {
  const lines = [
    `"""${kind} module ${i}: request handling for the platform API."""`,
    '',
    'import logging',
    'from decimal import Decimal',
    '',
    `from app.${kind}.queries import *  # noqa: F401,F403`,
    '',
    'logger = logging.getLogger(__name__)',
    'ALLOWED_FIELDS = {"name", "description", "amount", "status", "notes"}',
  ];
  let n = 0;
  while (lines.length < target) lines.push(...serviceFunction(rand, n++));
  return lines;
}

function migrationFile(rand, i, plan, prevRev) {
  const rev = (0x1000000000 + i * 7919).toString(16).slice(-12);
  const tables = [];
  for (let k = 0; k < 3; k++) tables.push(plan.tables[Math.floor(rand() * plan.tables.length)]);
  const key = { int: 'sa.Integer()', uuid: 'postgresql.UUID(as_uuid=True)', str36: 'sa.String(length=36)', str255: 'sa.String(length=255)' };
  const lines = [
    `"""add audit tables ${i}`,
    '',
    `Revision ID: ${rev}`,
    `Revises: ${prevRev ?? ''}`,
    '',
    '"""',
    'from alembic import op',
    'import sqlalchemy as sa',
    'from sqlalchemy.dialects import postgresql',
    '',
    `revision = "${rev}"`,
    `down_revision = ${prevRev ? `"${prevRev}"` : 'None'}`,
    'branch_labels = None',
    'depends_on = None',
    '',
    '',
    'def upgrade() -> None:',
  ];
  for (const [k, t] of tables.entries()) {
    const name = `audit_${i}_${k}`;
    lines.push(
      '    op.create_table(',
      `        "${name}",`,
      '        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),',
      `        sa.Column("subject_id", ${key[t.key]}, nullable=False),`,
      '        sa.Column("action", sa.String(length=50), nullable=False),',
      '        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=True),',
      '        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),',
      `        sa.ForeignKeyConstraint(["subject_id"], ["${t.name}.id"], name=op.f("fk_${name}_subject_id")),`,
      `        sa.PrimaryKeyConstraint("id", name=op.f("pk_${name}")),`,
      '    )',
      `    op.create_index(op.f("ix_${name}_subject_id"), "${name}", ["subject_id"])`,
    );
  }
  const t = tables[0];
  lines.push(
    `    op.add_column("audit_${i}_1", sa.Column("owner_id", ${key[t.key]}, nullable=True))`,
    `    op.create_foreign_key("fk_audit_${i}_1_owner_id", "audit_${i}_1", "${t.name}", ["owner_id"], ["id"])`,
    '',
    '',
    'def downgrade() -> None:',
  );
  for (let k = 2; k >= 0; k--) lines.push(`    op.drop_table("audit_${i}_${k}")`);
  return { lines, rev };
}

const MIXINS = `"""Column mixins shared by the models."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), onupdate=func.now())


class TenantMixin:
    tenant_id: Mapped[str] = mapped_column(String(255), ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
`;

const DB = `"""Declarative base."""

import uuid

from sqlalchemy import Column, String
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class Tenant(Base):
    __tablename__ = "tenants"

    id = Column(String(255), primary_key=True, default=lambda: str(uuid.uuid4()))
    slug = Column(String(255), nullable=False, unique=True)
`;

/**
 * Spec: `{ modelFiles, plainFiles, migrations, avgLines, brokenRate, seed, bigFileLines? }`. Every file is padded
 * with service-like functions to a size drawn around `avgLines`, so the line count matches the target.
 */
export function generateWorkspace(dir, spec) {
  const metaFile = join(dir, '.bench-meta.json');
  const meta = JSON.stringify({ GENERATOR_HASH, ...spec });
  if (existsSync(metaFile) && readFileSync(metaFile, 'utf8') === meta) return { cached: true, ...summary(dir) };
  rmSync(dir, { recursive: true, force: true });
  const rand = mulberry32(spec.seed ?? 1);
  const plan = planTables(rand, spec.modelFiles);
  const big = spec.bigFileLines ? bigFilePlan(rand) : undefined;
  if (big) plan.tables.push(...big.tables);
  let files = 0;
  let lines = 0;
  let bytes = 0;
  const write = (rel, content) => {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    files++;
    lines += content.split('\n').length - 1;
    bytes += Buffer.byteLength(content);
  };
  // Sizes vary from a third to nearly twice the average, as real files do.
  const size = () => Math.round(spec.avgLines * (0.35 + rand() * 1.3));
  write('src/app/__init__.py', '');
  write('src/app/db.py', DB);
  write('src/app/core/mixins.py', MIXINS);
  for (const pkg of PACKAGES) write(`src/app/${pkg}/__init__.py`, '');
  for (const f of plan.files) {
    const l = modelFile(rand, f, plan, spec);
    let n = 0;
    const target = size();
    if (l.length < target) l.push('', 'import logging', 'logger = logging.getLogger(__name__)', 'ALLOWED_FIELDS = {"name", "status"}');
    while (l.length < target) l.push(...serviceFunction(rand, n++));
    write(f.path, `${l.join('\n')}\n`);
  }
  if (big) {
    write('src/app/big/__init__.py', '');
    const l = modelFile(rand, big, plan, spec);
    let n = 0;
    while (l.length < spec.bigFileLines) l.push(...serviceFunction(rand, n++));
    write(big.path, `${l.join('\n')}\n`);
  }
  for (let i = 0; i < (spec.plainFiles ?? 0); i++) {
    const kind = PACKAGES[i % PACKAGES.length];
    const sub = ['services', 'api', 'schemas', 'tasks', 'tests'][i % 5];
    write(`src/app/${kind}/${sub}/module_${i}.py`, `${plainFile(rand, kind, i, size()).join('\n')}\n`);
  }
  let prev = null;
  for (let i = 0; i < (spec.migrations ?? 0); i++) {
    const { lines: l, rev } = migrationFile(rand, i, plan, prev);
    prev = rev;
    const target = size();
    // Autogenerated migrations are long; pad with the column changes they carry, not with service code.
    const body = l.indexOf('def downgrade() -> None:') - 2;
    const pad = [];
    for (let n = 0; l.length + pad.length < target; n++) {
      pad.push(
        `    op.alter_column("audit_${i}_${n % 3}", "action", existing_type=sa.String(length=50), comment="step ${n}")`,
      );
    }
    l.splice(body, 0, ...pad);
    write(`alembic/versions/${String(i).padStart(4, '0')}_${rev}_audit.py`, `${l.join('\n')}\n`);
  }
  writeFileSync(join(dir, '.gitignore'), '.bench-meta.json\n');
  const s = { files, lines, bytes, tables: plan.tables.length + 1 };
  writeFileSync(join(dir, '.bench-summary.json'), JSON.stringify(s));
  writeFileSync(metaFile, meta);
  return { cached: false, ...s };
}

function summary(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, '.bench-summary.json'), 'utf8'));
  } catch {
    return {};
  }
}

/**
 * The tables of one big `models.py` (28 tables, about 2,000 lines, as in the large model files of older code bases), which the
 * other files of the workspace reference like any other table.
 */
function bigFilePlan(rand) {
  const tables = [];
  for (let k = 0; k < 28; k++) {
    const noun = NOUNS[Math.floor(rand() * NOUNS.length)];
    tables.push({
      name: `legacy_${plural(noun)}_${k}`,
      singular: `legacy_${noun}_${k}`,
      cls: `Legacy${camel(noun)}${k}`,
      noun,
      key: KEY_TYPES[Math.floor(rand() * KEY_TYPES.length)],
      mapped: rand() < 0.4,
      tenant: rand() < 0.5,
      fileIndex: -1,
      pkg: 'big',
      module: 'models',
    });
  }
  return { path: 'src/app/big/models.py', pkg: 'big', module: 'models', tables };
}

export const BIG_FILE = 'src/app/big/models.py';

// ---------------------------------------------------------------------------------------------------------------
// TypeScript workspaces: a Node service with TypeORM entities (one class a file, relations to entities in other
// files through their imports) and Knex migrations (tables that reference the entities' tables and earlier
// migrations' tables), about 3% of the references broken in the ways FK Guard reports.

/** The TypeORM column types of plain columns, with the property type each maps to. */
const TS_COLUMNS = [
  ['varchar', 'string', "{ length: 255 }"],
  ['text', 'string', '{ nullable: true }'],
  ['int', 'number', "{ default: 0 }"],
  ['boolean', 'boolean', '{ default: false }'],
  ['timestamptz', 'Date', '{ nullable: true }'],
  ['decimal', 'string', '{ precision: 12, scale: 2 }'],
  ['jsonb', 'Record<string, unknown>', "{ default: () => \"'{}'\" }"],
];

/** The entities: each a class in its own file, with a table name written in one of TypeORM's three ways. */
function planEntities(rand, count) {
  const entities = [];
  for (let i = 0; i < count; i++) {
    const noun = NOUNS[i % NOUNS.length];
    const pkg = PACKAGES[Math.floor(rand() * PACKAGES.length)];
    const cls = `${camel(noun)}${i}`;
    const style = rand();
    // `@Entity()` takes the class name through the default naming strategy: `AuditEntry12` → `audit_entry12`.
    const table = style < 0.2 ? cls.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase() : `${plural(noun)}_${i}`;
    entities.push({
      i,
      cls,
      table,
      decorator: style < 0.2 ? '@Entity()' : style < 0.6 ? `@Entity('${table}')` : `@Entity({ name: '${table}' })`,
      key: rand() < 0.5 ? 'uuid' : 'int',
      file: `src/${pkg}/entities/${noun.replace(/_/g, '-')}-${i}.entity.ts`,
    });
  }
  return entities;
}

/** `from`'s import path of `to` (both workspace-relative .ts paths). */
function importPath(from, to) {
  const a = from.split('/').slice(0, -1);
  const b = to.replace(/\.ts$/, '').split('/');
  let k = 0;
  while (k < a.length && a[k] === b[k]) k++;
  const up = a.length - k;
  return `${up === 0 ? './' : '../'.repeat(up)}${b.slice(k).join('/')}`;
}

function entityFile(rand, e, entities, spec, count) {
  const targets = [];
  const n = 1 + Math.floor(rand() * 3);
  for (let k = 0; k < n && e.i > 0; k++) {
    const t = entities[Math.floor(rand() * e.i)];
    if (!targets.includes(t)) targets.push(t);
  }
  const body = [];
  const imports = new Set(['Column', 'Entity', 'PrimaryGeneratedColumn']);
  body.push(e.key === 'uuid' ? "  @PrimaryGeneratedColumn('uuid')" : '  @PrimaryGeneratedColumn()', `  id: ${e.key === 'uuid' ? 'string' : 'number'};`, '');
  for (let c = 0; c < 3 + Math.floor(rand() * 5); c++) {
    const [type, tsType, options] = TS_COLUMNS[Math.floor(rand() * TS_COLUMNS.length)];
    body.push(`  @Column('${type}', ${options})`, `  field${c}: ${tsType};`, '');
  }
  for (const t of targets) {
    const prop = `${t.cls[0].toLowerCase()}${t.cls.slice(1)}`;
    const column = `${t.cls.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()}_id`;
    const roll = rand();
    // Broken: the key column typed int onto a uuid key (or the other way round), or an unknown referenced column.
    const mismatch = roll < spec.brokenRate / 2;
    const unknownColumn = !mismatch && roll < spec.brokenRate;
    if (mismatch) count.typeMismatch++;
    if (unknownColumn) count.unknownColumn++;
    const keyType = (t.key === 'uuid') !== mismatch ? 'uuid' : 'int';
    imports.add('ManyToOne').add('JoinColumn');
    body.push(
      `  @Column('${keyType}', { name: '${column}', nullable: true })`,
      `  ${prop}Id: ${keyType === 'uuid' ? 'string' : 'number'} | null;`,
      '',
      `  @ManyToOne(() => ${t.cls}, { onDelete: 'SET NULL' })`,
      `  @JoinColumn({ name: '${column}', referencedColumnName: '${unknownColumn ? 'uid' : 'id'}' })`,
      `  ${prop}: ${t.cls} | null;`,
      '',
    );
  }
  const lines = [
    `import { ${[...imports].sort().join(', ')} } from 'typeorm';`,
    ...targets.map((t) => `import { ${t.cls} } from '${importPath(e.file, t.file)}';`),
    '',
    `/** ${e.cls}: the ${e.table} table. */`,
    e.decorator,
    `export class ${e.cls} {`,
    ...body,
  ];
  return lines;
}

/** Business logic that entities carry (and that the reader must step over): getters and small methods. */
function entityMethod(rand, n) {
  const status = STATUSES[Math.floor(rand() * STATUSES.length)];
  return [
    `  get isReady${n}(): boolean {`,
    `    return this.field0 !== undefined && '${status}'.length > ${n % 7};`,
    '  }',
    '',
    `  describe${n}(prefix = '${status}'): string {`,
    `    const parts = [prefix, String(this.id), '${status}'];`,
    '    return parts.filter(Boolean).join(\':\');',
    '  }',
    '',
  ];
}

/** A Knex migration: creates one table whose foreign keys reference entities and earlier migrations' tables. */
function knexMigration(rand, i, entities, created, spec, count) {
  const noun = NOUNS[Math.floor(rand() * NOUNS.length)];
  const table = `${noun}_events_${i}`;
  const key = rand() < 0.5 ? 'uuid' : 'int';
  const lines = ["import type { Knex } from 'knex';", '', 'export async function up(knex: Knex): Promise<void> {', `  await knex.schema.createTable('${table}', (t) => {`];
  lines.push(key === 'uuid' ? "    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));" : "    t.increments('id');");
  const refs = 1 + Math.floor(rand() * 3);
  for (let k = 0; k < refs; k++) {
    const pool = created.length && rand() < 0.4 ? created : entities.map((e) => ({ table: e.table, key: e.key }));
    // A workspace of migrations alone (the one-file row) has no table to point at before its first.
    if (pool.length === 0) break;
    const target = pool[Math.floor(rand() * pool.length)];
    const roll = rand();
    const mismatch = roll < spec.brokenRate / 2;
    const unknownTable = !mismatch && roll < spec.brokenRate;
    if (mismatch) count.typeMismatch++;
    if (unknownTable) count.unknownTable++;
    const col = `ref${k}_id`;
    const builder = (target.key === 'uuid') !== mismatch ? `t.uuid('${col}')` : `t.integer('${col}').unsigned()`;
    // The misspelling people make: the singular of a plural name, or the plural of a singular one.
    const name = !unknownTable ? target.table : /s_\d+$/.test(target.table) ? target.table.replace(/s_(\d+)$/, '_$1') : `${target.table}s`;
    const form = k % 3;
    if (form === 0) lines.push(`    ${builder}.references('id').inTable('${name}').onDelete('CASCADE');`);
    else if (form === 1) lines.push(`    ${builder}.references('${name}.id');`);
    else lines.push(`    ${builder};`, `    t.foreign('${col}').references('${name}.id');`);
  }
  created.push({ table, key });
  return { lines, table };
}

/**
 * A function of a Node service's business code (no ORM in it): validation and mapping of a request, as controllers,
 * helpers and services are mostly made of.
 */
function tsServiceFunction(rand, n) {
  const noun = NOUNS[Math.floor(rand() * NOUNS.length)];
  const status = STATUSES[Math.floor(rand() * STATUSES.length)];
  const type = camel(noun);
  return [
    '',
    `  async apply${type}${n}(input: ${type}Input, options: { dryRun?: boolean } = {}): Promise<Result<${type}View>> {`,
    '    const errors: string[] = [];',
    `    if (!input.${type[0].toLowerCase()}${type.slice(1)}Id) errors.push('${noun}Id is required');`,
    "    if (input.amount !== undefined && Number(input.amount) < 0) errors.push('amount must not be negative');",
    '    if (errors.length > 0) {',
    `      this.logger.warn(\`rejected ${noun} change: \${errors.join(', ')}\`);`,
    '      return { ok: false, errors };',
    '    }',
    "    if (options.dryRun) return { ok: true, value: { id: input.id, status: 'dry-run' } };",
    `    const current = await this.lookup.get(input.id, { status: '${status}' });`,
    "    if (!current) return { ok: false, errors: ['not found'] };",
    '    for (const [key, value] of Object.entries(input)) {',
    '      if (ALLOWED_FIELDS.has(key) && current[key] !== value) current[key] = value;',
    '    }',
    '    return { ok: true, value: { id: current.id, status: current.status } };',
    '  }',
  ];
}

/**
 * Business code of the service, no model code: controllers, services and helpers. One file in `repositoryRate`
 * is a service that works through TypeORM's repository API: it imports `typeorm` (so the prefilter passes it and it
 * is parsed) but defines no table, as most such files in real services do; the others import no ORM.
 */
function tsPlainFile(rand, i, entities, spec) {
  const pkg = PACKAGES[Math.floor(rand() * PACKAGES.length)];
  const noun = NOUNS[Math.floor(rand() * NOUNS.length)];
  const kind = ['service', 'controller', 'helpers', 'mapper'][i % 4];
  const file = `src/${pkg}/${kind}s/${noun.replace(/_/g, '-')}-${i}.${kind}.ts`;
  const cls = `${camel(noun)}${camel(kind)}${i}`;
  const lines = [];
  const entity = entities.length > 0 && rand() < spec.repositoryRate ? entities[Math.floor(rand() * entities.length)] : undefined;
  if (entity) {
    lines.push(
      "import { Injectable, Logger } from '@nestjs/common';",
      "import { InjectRepository } from '@nestjs/typeorm';",
      "import { In, Repository } from 'typeorm';",
      `import { ${entity.cls} } from '${importPath(file, entity.file)}';`,
    );
  } else {
    lines.push("import { Injectable, Logger } from '@nestjs/common';");
  }
  lines.push(
    `import { ALLOWED_FIELDS, Result } from '${importPath(file, 'src/common/result.ts')}';`,
    '',
    `/** ${kind} ${i}: request handling for the ${pkg} API. */`,
    '@Injectable()',
    `export class ${cls} {`,
    `  private readonly logger = new Logger('${cls}');`,
    '',
  );
  if (entity) {
    lines.push(
      `  constructor(@InjectRepository(${entity.cls}) private readonly repo: Repository<${entity.cls}>, private readonly lookup: Lookup) {}`,
      '',
      `  async findMany(ids: string[]): Promise<${entity.cls}[]> {`,
      '    return this.repo.find({ where: { id: In(ids) } });',
      '  }',
    );
  } else {
    lines.push('  constructor(private readonly lookup: Lookup) {}');
  }
  return { file, lines };
}

/**
 * A TypeScript service of `spec.entityFiles` TypeORM entities, `spec.migrationFiles` Knex migrations and
 * `spec.plainFiles` files of business code (see `tsPlainFile`), padded to about `spec.avgLines` lines a file. Returns the same summary as `generateWorkspace`, plus the planted problems.
 */
export function generateTypeScriptWorkspace(dir, spec) {
  const metaFile = join(dir, '.bench-meta.json');
  const meta = JSON.stringify({ GENERATOR_HASH, kind: 'typescript', ...spec });
  if (existsSync(metaFile) && readFileSync(metaFile, 'utf8') === meta) return { cached: true, ...summary(dir) };
  rmSync(dir, { recursive: true, force: true });
  const rand = mulberry32(spec.seed ?? 1);
  const count = { typeMismatch: 0, unknownColumn: 0, unknownTable: 0 };
  let files = 0;
  let lines = 0;
  let bytes = 0;
  const write = (rel, content) => {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    files++;
    lines += content.split('\n').length - 1;
    bytes += Buffer.byteLength(content);
  };
  const size = () => Math.round(spec.avgLines * (0.35 + rand() * 1.3));
  mkdirSync(dir, { recursive: true });
  // Declared, as in a real service; nothing is installed, and FK Guard needs nothing installed.
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'bench-service', private: true, dependencies: { knex: '^3.1.0', pg: '^8.13.1', typeorm: '^0.3.20' } }, null, 2)}\n`,
  );
  const entities = planEntities(rand, spec.entityFiles);
  for (const e of entities) {
    const l = entityFile(rand, e, entities, spec, count);
    const target = size();
    for (let n = 0; l.length < target; n++) l.push(...entityMethod(rand, n));
    write(e.file, `${l.join('\n').trimEnd()}\n}\n`);
  }
  const created = [];
  for (let i = 0; i < spec.migrationFiles; i++) {
    const { lines: l, table } = knexMigration(rand, i, entities, created, spec, count);
    const target = size();
    for (let n = 0; l.length < target - 8; n++) {
      l.push(n % 4 === 0 ? `    t.string('label_${n}', ${32 * (1 + (n % 8))}).nullable();` : n % 4 === 1 ? `    t.decimal('amount_${n}', 12, 2).defaultTo(0);` : n % 4 === 2 ? `    t.timestamp('at_${n}', { useTz: true });` : `    t.index(['id'], 'ix_${table}_${n}');`);
    }
    l.push('  });', '}', '', 'export async function down(knex: Knex): Promise<void> {', `  await knex.schema.dropTable('${table}');`, '}');
    const stamp = 20240101000000 + i * 100;
    write(`db/migrations/${stamp}_${table}.ts`, `${l.join('\n')}\n`);
  }
  // After the model files, so that a workspace without plain files is generated as it always was.
  if (spec.plainFiles) {
    write(
      'src/common/result.ts',
      "export type Result<T> = { ok: true; value: T } | { ok: false; errors: string[] };\n\nexport const ALLOWED_FIELDS = new Set(['name', 'description', 'amount', 'status', 'notes']);\n",
    );
  }
  for (let i = 0; i < (spec.plainFiles ?? 0); i++) {
    const { file, lines: l } = tsPlainFile(rand, i, entities, spec);
    const target = size();
    for (let n = 0; l.length < target; n++) l.push(...tsServiceFunction(rand, n));
    write(file, `${l.join('\n')}\n}\n`);
  }
  writeFileSync(join(dir, '.gitignore'), '.bench-meta.json\n');
  const s = { files, lines, bytes, tables: entities.length + created.length, planted: count };
  writeFileSync(join(dir, '.bench-summary.json'), JSON.stringify(s));
  writeFileSync(metaFile, meta);
  return { cached: false, ...s };
}
