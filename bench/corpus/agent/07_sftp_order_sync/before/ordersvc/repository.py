from __future__ import annotations

import os

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, sessionmaker

from ordersvc.models import Base, Order

engine = create_engine(os.getenv("ORDERSVC_DB_URL", "sqlite:///ordersvc.db"), future=True)
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)


def init_db() -> None:
    Base.metadata.create_all(engine)


class OrderRepository:
    def __init__(self, session: Session):
        self.session = session

    def exists(self, source: str, external_id: str) -> bool:
        stmt = select(Order.id).where(Order.source == source, Order.external_id == external_id)
        return self.session.execute(stmt).first() is not None

    def add(self, order: Order) -> Order:
        self.session.add(order)
        return order

    def commit(self) -> None:
        self.session.commit()
