"""
Sales models: orders placed through the storefront and the service
activations that provisioning runs once an order is paid.

Orders are created by the public checkout flow (``/api/v1/orders``) and by
sales staff in the admin console. An order for a new tenant carries the
requested slug and plan; an order from an existing tenant carries its id.
"""

import enum
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import relationship

from dotmac.platform.db import Base


class OrderStatus(str, enum.Enum):
    """Lifecycle of an order, from checkout to activation."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    PAID = "paid"
    PROVISIONING = "provisioning"
    ACTIVE = "active"
    CANCELLED = "cancelled"
    FAILED = "failed"


class OrderType(str, enum.Enum):
    NEW_TENANT = "new_tenant"
    UPGRADE = "upgrade"
    ADDON = "addon"
    RENEWAL = "renewal"


class ActivationStatus(str, enum.Enum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    ROLLED_BACK = "rolled_back"


class PaymentStatus(str, enum.Enum):
    UNPAID = "unpaid"
    AUTHORIZED = "authorized"
    CAPTURED = "captured"
    REFUNDED = "refunded"


# Orders above this total need a second pair of eyes before provisioning.
APPROVAL_THRESHOLD = Decimal("5000.00")


class Order(Base):
    """
    A customer order for platform services.

    The order moves through ``OrderStatus``; once ``PAID`` the provisioning
    worker creates one ``ServiceActivation`` per ordered service.
    """

    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_tenant_status", "tenant_id", "status"),
        Index("ix_orders_customer_email", "customer_email"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    order_number = Column(String(50), nullable=False, unique=True, index=True)
    order_type = Column(Enum(OrderType), nullable=False)
    status = Column(Enum(OrderStatus), nullable=False, default=OrderStatus.DRAFT, index=True)

    # Customer details (captured at checkout, before a tenant exists)
    customer_email = Column(String(255), nullable=False)
    customer_name = Column(String(255), nullable=False)
    customer_phone = Column(String(50))
    company_name = Column(String(255), nullable=False)
    requested_slug = Column(String(100))
    billing_address = Column(JSONB)

    # Pricing
    currency = Column(String(3), nullable=False, default="USD")
    subtotal_amount = Column(Numeric(12, 2), nullable=False, default=0)
    tax_amount = Column(Numeric(12, 2), nullable=False, default=0)
    total_amount = Column(Numeric(12, 2), nullable=False)
    payment_status = Column(Enum(PaymentStatus), nullable=False, default=PaymentStatus.UNPAID)
    discount_code = Column(String(50))

    # Tenant (set after tenant creation for NEW_TENANT orders)
    tenant_id = Column(Integer, ForeignKey("tenant.id"), index=True)

    # Approval workflow
    requires_approval = Column(Boolean, nullable=False, default=False)
    approval_notes = Column(Text)
    approved_by = Column(Integer, ForeignKey("user.id"))
    approved_at = Column(DateTime(timezone=True))

    # Cancellation (this column got the schema-fix treatment already)
    cancelled_by = Column(String(255), ForeignKey("users.id"))
    cancelled_at = Column(DateTime(timezone=True))
    cancellation_reason = Column(Text)

    # Timestamps
    submitted_at = Column(DateTime(timezone=True))
    paid_at = Column(DateTime(timezone=True))
    created_at = Column(DateTime(timezone=True), server_default=func.now(), nullable=False)
    updated_at = Column(DateTime(timezone=True), server_default=func.now(), onupdate=func.now())

    # Relationships
    items = relationship("OrderItem", back_populates="order", cascade="all, delete-orphan")
    activations = relationship("ServiceActivation", back_populates="order")

    def needs_approval(self) -> bool:
        return self.total_amount is not None and self.total_amount >= APPROVAL_THRESHOLD

    def recalculate_totals(self) -> None:
        """Recompute subtotal and total from the order items."""
        subtotal = sum((item.line_total for item in self.items), Decimal("0.00"))
        self.subtotal_amount = subtotal
        self.total_amount = subtotal + (self.tax_amount or Decimal("0.00"))
        self.requires_approval = self.needs_approval()

    def can_transition_to(self, new_status: OrderStatus) -> bool:
        allowed = {
            OrderStatus.DRAFT: {OrderStatus.SUBMITTED, OrderStatus.CANCELLED},
            OrderStatus.SUBMITTED: {
                OrderStatus.PENDING_APPROVAL,
                OrderStatus.APPROVED,
                OrderStatus.CANCELLED,
            },
            OrderStatus.PENDING_APPROVAL: {OrderStatus.APPROVED, OrderStatus.CANCELLED},
            OrderStatus.APPROVED: {OrderStatus.PAID, OrderStatus.CANCELLED},
            OrderStatus.PAID: {OrderStatus.PROVISIONING},
            OrderStatus.PROVISIONING: {OrderStatus.ACTIVE, OrderStatus.FAILED},
        }
        return new_status in allowed.get(self.status, set())

    @property
    def is_terminal(self) -> bool:
        return self.status in (OrderStatus.ACTIVE, OrderStatus.CANCELLED, OrderStatus.FAILED)

    def __repr__(self) -> str:
        return f"<Order {self.order_number} {self.status}>"


class OrderItem(Base):
    """One line of an order: a service and its quantity."""

    __tablename__ = "order_items"

    id = Column(Integer, primary_key=True, autoincrement=True)
    order_id = Column(Integer, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    service_code = Column(String(100), nullable=False)
    sku = Column(String(100))
    description = Column(String(500))
    is_recurring = Column(Boolean, nullable=False, default=False)
    quantity = Column(Integer, nullable=False, default=1)
    unit_price = Column(Numeric(12, 2), nullable=False)
    discount_percent = Column(Numeric(5, 2), nullable=False, default=0)
    tax_rate = Column(Numeric(5, 2), nullable=False, default=0)
    line_total = Column(Numeric(12, 2), nullable=False)

    order = relationship("Order", back_populates="items")


class ServiceActivation(Base):
    """
    Provisioning of one ordered service for a tenant.

    Created by the provisioning worker when the order is paid. The worker
    retries failed activations up to ``max_attempts`` times before marking
    the order ``FAILED``.
    """

    __tablename__ = "service_activations"
    __table_args__ = (
        Index("ix_service_activations_order_status", "order_id", "status"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=False, index=True)
    tenant_id = Column(Integer, ForeignKey("tenant.id"), nullable=False, index=True)

    # The deployment that runs this service, once provisioning has created it
    deployment_instance_id = Column(Integer, ForeignKey("deployment_instances.id", ondelete="SET NULL"))

    service_code = Column(String(100), nullable=False)
    service_name = Column(String(255))
    region = Column(String(50), nullable=False, default="eu-west-1")
    status = Column(Enum(ActivationStatus), nullable=False, default=ActivationStatus.PENDING)
    progress_percent = Column(Integer, nullable=False, default=0)
    current_step = Column(String(100))
    attempts = Column(Integer, nullable=False, default=0)
    max_attempts = Column(Integer, nullable=False, default=3)
    last_error = Column(Text)
    activation_data = Column(JSONB)
    external_reference = Column(String(255))  # ID in the provisioning backend
    service_url = Column(String(500))
    is_trial = Column(Boolean, nullable=False, default=False)

    # Retry scheduling (set by the worker after a failure)
    next_attempt_at = Column(DateTime(timezone=True))
    backoff_seconds = Column(Integer, nullable=False, default=60)

    # Rollback bookkeeping
    rolled_back_at = Column(DateTime(timezone=True))
    rollback_reason = Column(Text)

    started_at = Column(DateTime(timezone=True))
    completed_at = Column(DateTime(timezone=True))
    failed_at = Column(DateTime(timezone=True))

    activated_by = Column(Integer, ForeignKey("user.id"))

    created_at = Column(DateTime(timezone=True), server_default=func.now(), nullable=False)

    order = relationship("Order", back_populates="activations")
