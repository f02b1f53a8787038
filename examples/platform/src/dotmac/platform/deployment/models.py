"""
Deployment models.

A *template* describes how to deploy a service (Helm chart, Terraform module
or Docker Compose bundle). An *instance* is one deployment of a template for
one tenant in one environment. Every change to an instance (provision,
upgrade, scale, suspend, destroy) is recorded as an *execution*.
"""

import enum

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import relationship

from dotmac.platform.core.mixins import TenantMixin, TimestampMixin
from dotmac.platform.db import Base


class DeploymentBackend(str, enum.Enum):
    HELM = "helm"
    TERRAFORM = "terraform"
    DOCKER_COMPOSE = "docker_compose"
    ANSIBLE = "ansible"


class DeploymentEnvironment(str, enum.Enum):
    DEVELOPMENT = "development"
    STAGING = "staging"
    PRODUCTION = "production"


class DeploymentState(str, enum.Enum):
    PENDING = "pending"
    PROVISIONING = "provisioning"
    ACTIVE = "active"
    DEGRADED = "degraded"
    SUSPENDED = "suspended"
    FAILED = "failed"
    DESTROYING = "destroying"
    DESTROYED = "destroyed"


class ExecutionOperation(str, enum.Enum):
    PROVISION = "provision"
    UPGRADE = "upgrade"
    SCALE = "scale"
    SUSPEND = "suspend"
    RESUME = "resume"
    DESTROY = "destroy"
    ROLLBACK = "rollback"


class ExecutionStatus(str, enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class DeploymentTemplate(Base):
    """A reusable recipe for deploying one service."""

    __tablename__ = "deployment_templates"
    __table_args__ = (UniqueConstraint("name", "version", name="uq_deployment_templates_name_version"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(255), nullable=False)
    display_name = Column(String(255), nullable=False)
    description = Column(Text)
    version = Column(String(50), nullable=False)
    backend = Column(Enum(DeploymentBackend), nullable=False)

    # Backend-specific source (chart repo, module path, compose file URL)
    source_url = Column(String(500), nullable=False)
    source_ref = Column(String(100))  # git tag or chart version
    default_values = Column(JSONB, nullable=False, default=dict)
    values_schema = Column(JSONB)  # JSON Schema the instance config must satisfy

    # Resource requirements used by the scheduler
    cpu_millicores = Column(Integer, nullable=False, default=500)
    memory_mb = Column(Integer, nullable=False, default=512)
    storage_gb = Column(Integer, nullable=False, default=10)

    requires_approval = Column(Boolean, nullable=False, default=False)
    is_active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime(timezone=True), server_default=func.now(), nullable=False)

    instances = relationship("DeploymentInstance", back_populates="template")

    @property
    def chart_reference(self) -> str:
        """``name:version`` as the Helm backend expects it; the source URL otherwise."""
        if self.backend is DeploymentBackend.HELM:
            return f"{self.name}:{self.source_ref or self.version}"
        return self.source_url

    def __repr__(self) -> str:
        return f"<DeploymentTemplate {self.name}@{self.version}>"


class DeploymentInstance(TenantMixin, TimestampMixin, Base):
    """
    One deployed copy of a template for a tenant.

    ``tenant_id`` comes from ``TenantMixin``. The instance's desired
    configuration is ``config``; what the backend last reported is
    ``observed_state``.
    """

    __tablename__ = "deployment_instances"
    __table_args__ = (
        UniqueConstraint("tenant_id", "environment", "name", name="uq_deployment_instances_tenant_env_name"),
        Index("ix_deployment_instances_state", "state"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    template_id = Column(Integer, ForeignKey("deployment_templates.id"), nullable=False, index=True)
    name = Column(String(255), nullable=False)
    environment = Column(Enum(DeploymentEnvironment), nullable=False)
    state = Column(Enum(DeploymentState), nullable=False, default=DeploymentState.PENDING)

    # Desired and observed configuration
    config = Column(JSONB, nullable=False, default=dict)
    observed_state = Column(JSONB)
    version = Column(String(50), nullable=False)
    replicas = Column(Integer, nullable=False, default=1)

    # Placement
    region = Column(String(50), nullable=False)
    cluster = Column(String(100))
    namespace = Column(String(100))
    endpoint_url = Column(String(500))

    # Options
    auto_upgrade = Column(Boolean, nullable=False, default=False)
    backup_enabled = Column(Boolean, nullable=False, default=True)
    custom_domain = Column(String(255))
    maintenance_window = Column(String(50))  # e.g. "sun 02:00-04:00 UTC"

    # Health
    health_status = Column(String(50))
    last_health_check_at = Column(DateTime(timezone=True))
    consecutive_failures = Column(Integer, nullable=False, default=0)

    # Lifecycle
    deployed_at = Column(DateTime(timezone=True))
    suspended_at = Column(DateTime(timezone=True))
    destroyed_at = Column(DateTime(timezone=True))
    suspension_reason = Column(Text)
    notes = Column(Text)

    # Audit
    deployed_by = Column(Integer, ForeignKey("user.id"))  # User who deployed
    approved_by = Column(Integer, ForeignKey("user.id"))  # User who approved

    template = relationship("DeploymentTemplate", back_populates="instances")
    executions = relationship(
        "DeploymentExecution",
        back_populates="instance",
        order_by="DeploymentExecution.created_at.desc()",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<DeploymentInstance {self.name} ({self.environment}) {self.state}>"


class DeploymentExecution(Base):
    """
    One operation run against a deployment instance.

    Executions are append-only: a retry is a new execution whose
    ``parent_execution_id`` points at the failed one.
    """

    __tablename__ = "deployment_executions"
    __table_args__ = (
        Index("ix_deployment_executions_instance_created", "instance_id", "created_at"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    instance_id = Column(
        Integer,
        ForeignKey("deployment_instances.id", ondelete="CASCADE"),  # executions go with their instance
        nullable=False,
    )
    parent_execution_id = Column(Integer, ForeignKey("deployment_executions.id"))
    operation = Column(Enum(ExecutionOperation), nullable=False)
    status = Column(Enum(ExecutionStatus), nullable=False, default=ExecutionStatus.QUEUED)

    # What was requested and what happened
    parameters = Column(JSONB, nullable=False, default=dict)
    result = Column(JSONB)
    error_message = Column(Text)
    log_url = Column(String(500))

    # Timing
    queued_at = Column(DateTime(timezone=True), server_default=func.now(), nullable=False)
    started_at = Column(DateTime(timezone=True))
    finished_at = Column(DateTime(timezone=True))
    duration_seconds = Column(Integer)

    triggered_by = Column(Integer, ForeignKey("user.id"))  # User or system
    trigger_source = Column(String(50), nullable=False, default="api")  # api, schedule, webhook
    created_at = Column(DateTime(timezone=True), server_default=func.now(), nullable=False)

    instance = relationship("DeploymentInstance", back_populates="executions")
    parent = relationship("DeploymentExecution", remote_side=[id])
