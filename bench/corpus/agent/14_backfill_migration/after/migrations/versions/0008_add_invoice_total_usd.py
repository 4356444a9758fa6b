"""add invoices.total_usd

Revision ID: 0008
Revises: 0007

Adds the column as NULLable with no default so the ALTER is a metadata-only
change on Postgres (no table rewrite, lock held only briefly). Data is filled
by scripts/backfill_total_usd.py; the partial index helps the backfill find
remaining rows and is dropped by a later migration once the backfill is done.
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SET lock_timeout = '5s'")
    op.add_column("invoices", sa.Column("total_usd", sa.Numeric(14, 2), nullable=True))
    with op.get_context().autocommit_block():
        op.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_invoices_total_usd_null "
            "ON invoices (id) WHERE total_usd IS NULL"
        )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.execute("DROP INDEX CONCURRENTLY IF EXISTS ix_invoices_total_usd_null")
    op.drop_column("invoices", "total_usd")
