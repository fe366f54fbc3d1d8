"""The REST API v1: token-authenticated JSON over the same services as the web (source "api")."""
from app.api.spec import RelayApi

api = RelayApi()


def init_app(app):
    """Serve /api/v1: the resources, the OpenAPI document and its docs page."""
    from app.api import analytics, directory, docs, incidents, tickets

    app.config.setdefault("API_TITLE", "Relay API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api.init_app(app)
    for module in (incidents, tickets, directory, analytics):
        api.register_blueprint(module.blp, url_prefix="/api/v1" + (module.blp.url_prefix or ""))
    app.register_blueprint(docs.bp, url_prefix="/api/v1")
