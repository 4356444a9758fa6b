from unittest.mock import MagicMock

import pytest

from alerts import events, slack
from alerts.slack import SlackNotifier
from alerts.templates import render


def resp(status=200, headers=None):
    r = MagicMock()
    r.status_code = status
    r.headers = headers or {}
    r.text = ""
    return r


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(slack.time, "sleep", lambda s: None)


@pytest.fixture
def notifier():
    session = MagicMock()
    session.post.return_value = resp()
    n = SlackNotifier(
        webhooks={"#deploys": "https://hooks/d", "#alerts": "https://hooks/a", "#incidents": "https://hooks/i"},
        routes={},
        session=session,
    )
    return n


def test_render_deploy():
    text = render(events.deploy_finished("api", "1.2.3", "sam"))
    assert "api" in text and "1.2.3" in text and "sam" in text


def test_notify_routes_to_channel(notifier):
    assert notifier.notify(events.job_failed("api", "nightly", "boom"))
    url = notifier.session.post.call_args.args[0]
    assert url == "https://hooks/a"


def test_duplicates_collapsed(notifier):
    e = events.job_failed("api", "nightly", "boom")
    assert notifier.notify(e)
    assert not notifier.notify(events.job_failed("api", "nightly", "boom again"))
    assert notifier.session.post.call_count == 1


def test_retries_on_429(notifier):
    notifier.session.post.side_effect = [resp(429, {"Retry-After": "0"}), resp(200)]
    assert notifier.post("#alerts", "hi")
    assert notifier.session.post.call_count == 2


def test_missing_webhook_drops(notifier):
    assert notifier.post("#nowhere", "hi") is False
