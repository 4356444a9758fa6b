from payhooks.app import create_app


def test_health():
    client = create_app({"TESTING": True}).test_client()
    assert client.get("/health").json == {"status": "ok"}
