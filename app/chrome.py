"""What every page has around its content: the navbar and Bootstrap's tags, drawn once and reused.

The navbar depends only on who is looking (name, role, organization: they decide the links), the
section that is open and the CSRF token of the sign-out form. Drawing it in Jinja on every request
cost as much as a bare page, so it is drawn once per distinct set of those inputs and each request
puts its own token in. The inputs are the cache key, so every process agrees without invalidation:
a renamed user or a changed role is a new key.
"""
from flask import current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from app.extensions import bootstrap
from app.services.core.permissions import Permission, can

CSRF_SLOT = "\x00csrf\x00"
NAVBARS_KEPT = 1000  # distinct viewers x sections; past this the cache starts again


def _section():
    """Which navbar link is active: the blueprint, except that My tickets is a section of its own."""
    return "mine" if request.endpoint == "tickets.mine" else request.blueprint


def _viewer():
    user = current_user
    if not user.is_authenticated:
        return None
    return dict(name=user.display_name, role=user.role.label, org=user.org.name, provider=user.org.is_provider,
                work=can(user, Permission.WORK), analytics=can(user, Permission.VIEW_ANALYTICS),
                admin=can(user, Permission.MANAGE_USERS))


def navbar():
    """This request's navbar (templates/_navbar.html), with its CSRF token."""
    viewer = _viewer()
    key = (request.script_root, _section(), viewer and tuple(viewer.values()))
    navbars = current_app.extensions.setdefault("relay.navbars", {})
    parts = navbars.get(key)
    if parts is None:
        if len(navbars) >= NAVBARS_KEPT:
            navbars.clear()
        html = render_template("_navbar.html", viewer=viewer, section=key[1], csrf_slot=CSRF_SLOT)
        parts = navbars[key] = html.split(CSRF_SLOT)
    return Markup(str(escape(generate_csrf())).join(parts) if viewer else parts[0])


def bootstrap_tags(kind):
    """Bootstrap's <link> ("css") or <script> tags ("js"), built once per script root."""
    tags = current_app.extensions.setdefault("relay.bootstrap_tags", {})
    key = (request.script_root, kind)
    if key not in tags:
        tags[key] = bootstrap.load_css() if kind == "css" else bootstrap.load_js()
    return tags[key]


def register(app):
    app.jinja_env.globals.update(navbar=navbar, bootstrap_tags=bootstrap_tags)
