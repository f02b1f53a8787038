"""Declarative base and metadata shared by every platform model.

All models register on ``Base.metadata`` so that Alembic autogenerate and
``metadata.create_all()`` see one schema.
"""

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Constraint names are predictable, so migrations can drop them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class for all ORM models."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
