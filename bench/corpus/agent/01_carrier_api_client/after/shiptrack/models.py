"""Domain models shared by the dashboard."""
from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import BaseModel, Field


class ShipmentStatus(str, Enum):
    CREATED = "created"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    UNKNOWN = "unknown"


class TrackingEvent(BaseModel):
    occurred_at: datetime
    location: str | None = None
    code: str
    description: str = ""


class Shipment(BaseModel):
    tracking_number: str
    carrier: str
    status: ShipmentStatus = ShipmentStatus.UNKNOWN
    estimated_delivery: datetime | None = None
    events: list[TrackingEvent] = Field(default_factory=list)
