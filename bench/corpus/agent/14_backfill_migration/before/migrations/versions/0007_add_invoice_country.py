"""add invoices.country

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("invoices", sa.Column("country", sa.String(2), nullable=True))


def downgrade() -> None:
    op.drop_column("invoices", "country")
