"""Alembic environment: runs migrations against the platform metadata."""

from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

# Importing the model modules registers every table on Base.metadata.
import dotmac.platform.billing.models  # noqa: F401
import dotmac.platform.deployment.models  # noqa: F401
import dotmac.platform.sales.models  # noqa: F401
import dotmac.platform.tenants.models  # noqa: F401
import dotmac.platform.users.models  # noqa: F401
import dotmac.platform.workflows.models  # noqa: F401
from dotmac.platform.db import Base

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
