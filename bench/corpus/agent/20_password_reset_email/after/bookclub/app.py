import os

from flask import Flask, jsonify


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=os.getenv("BOOKCLUB_SECRET_KEY", "dev"),
        BASE_URL=os.getenv("BOOKCLUB_BASE_URL", "http://localhost:5000"),
    )
    if config:
        app.config.update(config)

    from bookclub.password_reset import bp as password_reset_bp

    app.register_blueprint(password_reset_bp)

    @app.get("/health")
    def health():
        return jsonify(ok=True)

    return app
