"""users.default_tenant_id

Revision ID: c7d19f4e0a23
Revises: 8b41e07c2d55
Create Date: 2025-10-15 11:47:30.204915

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "c7d19f4e0a23"
down_revision = "8b41e07c2d55"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("default_tenant_id", sa.String(length=255), nullable=True))
    op.create_foreign_key(
        op.f("fk_users_default_tenant_id_tenants"),
        "users",
        "tenants",
        ["default_tenant_id"],
        ["id"],
        ondelete="SET NULL",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("fk_users_default_tenant_id_tenants"), "users", type_="foreignkey")
    op.drop_column("users", "default_tenant_id")
