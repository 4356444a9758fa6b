from flask import Flask, g, jsonify, request

from quotesapi.keys import lookup_key
from quotesapi.ratelimit import init_rate_limiting


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    if config:
        app.config.update(config)

    @app.before_request
    def authenticate():
        if request.path == "/health":
            return None
        key = lookup_key(request.headers.get("X-Api-Key"))
        if key is None:
            return jsonify(error="invalid api key"), 401
        g.api_key = key
        return None

    # registered after authenticate() so g.api_key is available
    init_rate_limiting(app)

    @app.get("/health")
    def health():
        return jsonify(ok=True)

    @app.get("/api/quotes")
    def quotes():
        symbols = request.args.get("symbols", "")
        return jsonify(quotes=[{"symbol": s, "price": 100.0} for s in symbols.split(",") if s])

    return app
