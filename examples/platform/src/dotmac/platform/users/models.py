"""User accounts, roles and the user/role association table."""

import uuid

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, String, Table, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import relationship

from dotmac.platform.db import Base

# Many-to-many between users and roles. A plain Core table: it has no
# behaviour of its own, so it needs no mapped class.
user_roles = Table(
    "user_roles",
    Base.metadata,
    Column("user_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "role_id",
        UUID(as_uuid=True),
        # Roles are global; deleting one detaches it from every user.
        ForeignKey("roles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("granted_at", DateTime(timezone=True), server_default=func.now(), nullable=False),
)


class User(Base):
    """A person who can sign in. Users can belong to several tenants."""

    __tablename__ = "users"
    __table_args__ = (Index("ix_users_default_tenant_active", "default_tenant_id", "is_active"),)

    id = Column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    username = Column(String(50), nullable=False, unique=True)
    email = Column(String(255), nullable=False)
    full_name = Column(String(255))
    password_hash = Column(String(255), nullable=False)
    is_active = Column(Boolean, nullable=False, default=True)
    is_superuser = Column(Boolean, nullable=False, default=False)
    # Home tenant for the dashboard; memberships live in tenant_memberships.
    default_tenant_id = Column(String(255), ForeignKey("tenants.id", ondelete="SET NULL"))
    last_login_at = Column(DateTime(timezone=True))
    created_at = Column(DateTime(timezone=True), server_default=func.now(), nullable=False)

    roles = relationship("Role", secondary=user_roles, back_populates="users")

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Role(Base):
    __tablename__ = "roles"

    id = Column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    name = Column(String(100), nullable=False, unique=True)
    description = Column(String(500))

    users = relationship("User", secondary=user_roles, back_populates="roles")
