"""Tenant models.

A tenant is one customer organisation. Its primary key is a UUID rendered as
a string (``String(255)``), kept that way for compatibility with the billing
provider's identifiers.
"""

import enum
import uuid

from sqlalchemy import Boolean, Column, DateTime, Enum, ForeignKey, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import relationship

from dotmac.platform.db import Base


class TenantStatus(str, enum.Enum):
    TRIAL = "trial"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


class TenantPlan(str, enum.Enum):
    FREE = "free"
    STARTER = "starter"
    PROFESSIONAL = "professional"
    ENTERPRISE = "enterprise"


class Tenant(Base):
    """A customer organisation."""

    __tablename__ = "tenants"

    id = Column(String(255), primary_key=True, default=lambda: str(uuid.uuid4()))
    name = Column(String(255), nullable=False)
    slug = Column(String(255), nullable=False, unique=True, index=True)
    status = Column(Enum(TenantStatus), nullable=False, default=TenantStatus.TRIAL)
    plan = Column(Enum(TenantPlan), nullable=False, default=TenantPlan.FREE)
    billing_email = Column(String(255))
    settings = Column(JSONB, nullable=False, default=dict)
    notes = Column(Text)
    is_internal = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime(timezone=True), server_default=func.now(), nullable=False)

    memberships = relationship("TenantMembership", back_populates="tenant", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"


class TenantMembership(Base):
    """A user's membership of a tenant, keyed by the pair (tenant, user).

    Other tables point at a membership with a composite foreign key, so a
    record can only name a user who belongs to the same tenant.
    """

    __tablename__ = "tenant_memberships"

    tenant_id = Column(String(255), ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    user_id = Column(UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role = Column(String(50), nullable=False, default="member")
    joined_at = Column(DateTime(timezone=True), server_default=func.now(), nullable=False)

    tenant = relationship("Tenant", back_populates="memberships")
    user = relationship("User")
