import httpx
import pytest

from helpdesk import summarize
from helpdesk.tickets import Ticket


def make_ticket(n=3):
    t = Ticket(id=1, subject="Refund for order 123", customer_email="x@y.com")
    t.add_message("Sam", "Hi, I was charged twice for order 123. Please refund me at sam@example.com.", True)
    for i in range(n - 1):
        t.add_message("Agent", f"Looking into it (step {i}). We'll update you.", False)
    return t


def test_short_ticket_has_no_summary():
    assert summarize.summarize_ticket(make_ticket(2)) is None


def test_fallback_without_key(monkeypatch):
    monkeypatch.setattr(summarize, "LLM_API_KEY", "")
    s = summarize.summarize_ticket(make_ticket())
    assert s.startswith("Customer: Hi, I was charged twice")
    assert "sam@example.com" not in s


def test_llm_used_and_cached(monkeypatch):
    monkeypatch.setattr(summarize, "LLM_API_KEY", "k")
    calls = []
    monkeypatch.setattr(summarize, "_llm_summary", lambda t: calls.append(t.id) or "Double charge; refund pending.")
    t = make_ticket()
    assert summarize.summarize_ticket(t) == "Double charge; refund pending."
    summarize.summarize_ticket(t)
    assert calls == [1]
    t.add_message("Sam", "Any news?", True)
    summarize.summarize_ticket(t)
    assert calls == [1, 1]


def test_llm_failure_falls_back(monkeypatch):
    monkeypatch.setattr(summarize, "LLM_API_KEY", "k")

    def boom(t):
        raise httpx.ConnectError("down")

    monkeypatch.setattr(summarize, "_llm_summary", boom)
    assert summarize.summarize_ticket(make_ticket()).startswith("Customer:")


def test_transcript_redacts_and_truncates(monkeypatch):
    monkeypatch.setattr(summarize, "MAX_PROMPT_CHARS", 50)
    text = summarize.build_transcript(make_ticket(5))
    assert "[earlier messages omitted]" in text
    assert "@" not in text
