"""Outgoing email.

SMTP in production (SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD,
SMTP_STARTTLS, MAIL_FROM). When SMTP_HOST is not set we use the console
backend, which logs the message (and keeps it in ``outbox`` for tests) so
links can be copied during development.
"""
from __future__ import annotations

import logging
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage

logger = logging.getLogger(__name__)

MAIL_FROM = os.getenv("MAIL_FROM", "Bookclub <no-reply@bookclub.example>")


@dataclass
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def to_message(self, sender: str = MAIL_FROM) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = self.to
        msg["Subject"] = self.subject
        for k, v in self.headers.items():
            msg[k] = v
        msg.set_content(self.text)
        if self.html:
            msg.add_alternative(self.html, subtype="html")
        return msg


class ConsoleBackend:
    name = "console"

    def __init__(self):
        self.outbox: list[Mail] = []

    def send(self, mail: Mail) -> None:
        self.outbox.append(mail)
        logger.warning(
            "\n--- email (console backend) ---\nTo: %s\nSubject: %s\n\n%s\n-------------------------------",
            mail.to, mail.subject, mail.text,
        )


class SMTPBackend:
    name = "smtp"

    def __init__(self):
        self.host = os.environ["SMTP_HOST"]
        self.port = int(os.getenv("SMTP_PORT", "587"))
        self.user = os.getenv("SMTP_USER")
        self.password = os.getenv("SMTP_PASSWORD")
        self.starttls = os.getenv("SMTP_STARTTLS", "1") == "1"
        self.timeout = float(os.getenv("SMTP_TIMEOUT", "10"))

    def send(self, mail: Mail) -> None:
        msg = mail.to_message()
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(msg)
        logger.info("sent email %r to %s", mail.subject, mail.to)


_backend = None


def get_backend():
    global _backend
    if _backend is None:
        _backend = SMTPBackend() if os.getenv("SMTP_HOST") else ConsoleBackend()
    return _backend


def set_backend(backend) -> None:
    global _backend
    _backend = backend


def send_mail(mail: Mail) -> bool:
    try:
        get_backend().send(mail)
        return True
    except (smtplib.SMTPException, OSError) as exc:
        logger.error("failed to send email to %s: %s", mail.to, exc)
        return False
