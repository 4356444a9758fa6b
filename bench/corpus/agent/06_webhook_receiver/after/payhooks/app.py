from flask import Flask, jsonify


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        PAYWELL_WEBHOOK_SECRET="",
        REDIS_URL="redis://localhost:6379/0",
        PAYWELL_SIGNATURE_TOLERANCE=300,
    )
    app.config.from_prefixed_env("PAYHOOKS")
    if config:
        app.config.update(config)

    from payhooks.webhooks import bp as webhooks_bp

    app.register_blueprint(webhooks_bp)

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    return app
