"""
Workflow engine models.

A workflow is a named, versioned graph of steps (defined in YAML and stored
as JSON). Running a workflow creates a ``WorkflowExecution``; each step run
is a ``WorkflowStepRun``. Steps of kind ``approval`` wait for a
``WorkflowApproval`` from a member of the same tenant.
"""

import enum

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import relationship

from dotmac.platform.db import Base
from dotmac.platform.users.models import User


class WorkflowStatus(str, enum.Enum):
    PENDING = "pending"
    RUNNING = "running"
    WAITING = "waiting"  # blocked on an approval or an external event
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class StepKind(str, enum.Enum):
    TASK = "task"
    APPROVAL = "approval"
    WEBHOOK = "webhook"
    DELAY = "delay"


class Workflow(Base):
    """A workflow definition. Definitions are global; executions are per tenant."""

    __tablename__ = "workflows"

    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(255), nullable=False, unique=True)
    description = Column(Text)
    definition = Column(JSONB, nullable=False)
    version = Column(Integer, nullable=False, default=1)
    is_active = Column(Boolean, nullable=False, default=True)
    created_by = Column(UUID(as_uuid=True), ForeignKey(User.id))
    created_at = Column(DateTime(timezone=True), server_default=func.now(), nullable=False)

    executions = relationship("WorkflowExecution", back_populates="workflow")


class WorkflowExecution(Base):
    """
    One run of a workflow for a tenant.

    ``context`` carries the inputs and the outputs of finished steps; steps
    read from it by JSON path.
    """

    __tablename__ = "workflow_executions"

    id = Column(Integer, primary_key=True, autoincrement=True)
    workflow_id = Column(Integer, ForeignKey("workflows.id"), nullable=False, index=True)
    status = Column(Enum(WorkflowStatus), nullable=False, default=WorkflowStatus.PENDING, index=True)
    context = Column(JSONB, nullable=False, default=dict)
    error_message = Column(Text)

    tenant_id = Column(String(255), ForeignKey("tenants.id"), index=True)

    started_at = Column(DateTime(timezone=True))
    completed_at = Column(DateTime(timezone=True))
    created_at = Column(DateTime(timezone=True), server_default=func.now(), nullable=False)

    workflow = relationship("Workflow", back_populates="executions")
    steps = relationship("WorkflowStepRun", back_populates="execution", cascade="all, delete-orphan")


class WorkflowStepRun(Base):
    __tablename__ = "workflow_step_runs"

    id = Column(Integer, primary_key=True, autoincrement=True)
    execution_id = Column(
        Integer,
        ForeignKey("workflow_executions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    step_name = Column(String(255), nullable=False)
    kind = Column(Enum(StepKind), nullable=False, default=StepKind.TASK)
    status = Column(Enum(WorkflowStatus), nullable=False, default=WorkflowStatus.PENDING)
    output = Column(JSONB)
    attempt = Column(Integer, nullable=False, default=1)
    started_at = Column(DateTime(timezone=True))
    finished_at = Column(DateTime(timezone=True))

    execution = relationship("WorkflowExecution", back_populates="steps")


class WorkflowApproval(Base):
    """
    An approval given (or refused) on an approval step.

    The approver is named by (tenant_id, approver_id) and must be a member
    of that tenant: the composite foreign key to ``tenant_memberships``
    makes the database enforce it.
    """

    __tablename__ = "workflow_approvals"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "approver_id"],
            ["tenant_memberships.tenant_id", "tenant_memberships.user_id"],
            ondelete="CASCADE",
        ),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    step_run_id = Column(Integer, ForeignKey("workflow_step_runs.id", ondelete="CASCADE"), nullable=False)
    tenant_id = Column(String(255), nullable=False)
    approver_id = Column(UUID(as_uuid=True), nullable=False)
    approved = Column(Boolean, nullable=False)
    comment = Column(Text)
    decided_at = Column(DateTime(timezone=True), server_default=func.now(), nullable=False)
