from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Message:
    author: str
    body: str
    from_customer: bool
    sent_at: datetime = field(default_factory=_now)


@dataclass
class Ticket:
    id: int
    subject: str
    customer_email: str
    status: str = "open"
    messages: list[Message] = field(default_factory=list)
    summary: str | None = None
    summary_message_count: int = 0

    def add_message(self, author: str, body: str, from_customer: bool) -> Message:
        msg = Message(author, body, from_customer)
        self.messages.append(msg)
        return msg

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "subject": self.subject,
            "customer_email": self.customer_email,
            "status": self.status,
            "messages": [
                {"author": m.author, "body": m.body, "from_customer": m.from_customer,
                 "sent_at": m.sent_at.isoformat()}
                for m in self.messages
            ],
        }


_TICKETS: dict[int, Ticket] = {}


def get_ticket(ticket_id: int) -> Ticket | None:
    return _TICKETS.get(ticket_id)


def save_ticket(ticket: Ticket) -> None:
    _TICKETS[ticket.id] = ticket
