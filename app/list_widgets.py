"""A list page's filter fields and pager, written in Python.

Every list renders six to nine filter fields and a pager on every request; as Jinja macros they
cost more than the list's queries (a macro call, and a url_for per page link). The HTML is the
same the macros wrote.
"""
from urllib.parse import urlencode

from flask import request, url_for
from markupsafe import Markup, escape


def filter_field(field, placeholder=None):
    """A filter form field: label, <select> or <input>, and its errors."""
    invalid = " is-invalid" if field.errors else ""
    out = [f'<label class="form-label" for="{escape(field.id)}">{escape(field.label.text)}</label>']
    if field.type == "SelectField":
        current = str(field.data) if field.data is not None else ""
        out.append(f'<select class="form-select{invalid}" id="{escape(field.id)}" name="{escape(field.name)}">')
        out.extend(f'<option value="{escape(value)}"{" selected" if str(value) == current else ""}>{escape(label)}</option>'
                   for value, label in field.choices)
        out.append("</select>")
    else:
        kind = "date" if field.type == "DateField" else "text"
        extra = f' maxlength="{escape(field.flags.maxlength)}"' if field.flags.maxlength else ""
        extra += f' placeholder="{escape(placeholder)}"' if placeholder else ""
        out.append(f'<input class="form-control{invalid}" id="{escape(field.id)}" name="{escape(field.name)}" '
                   f'type="{kind}" value="{escape(field._value())}"{extra}>')
    out.extend(f'<div class="invalid-feedback">{escape(error)}</div>' for error in field.errors)
    return Markup("".join(out))


def pager(page, endpoint):
    """Previous, numbered and Next links for a page of a list, keeping the other query arguments."""
    if page.pages <= 1:
        return Markup("")
    base, args = url_for(endpoint, **(request.view_args or {})), request.args.to_dict()

    def link(number, text, css=""):
        href = escape(f"{base}?{urlencode(dict(args, page=number))}")
        return f'<li class="page-item{css}"><a class="page-link" href="{href}">{text}</a></li>'

    gap = '<li class="page-item disabled"><span class="page-link">…</span></li>'
    # A capped count (services/core/pages.py) knows there are more pages, not how many: no last page.
    capped = getattr(page, "capped", False)
    items = [link(page.prev_num or 1, "Previous", "" if page.has_prev else " disabled")]
    for number in page.iter_pages(left_edge=1, right_edge=0 if capped else 1, left_current=2, right_current=2):
        items.append(link(number, number, " active" if number == page.page else "") if number else gap)
    if capped:
        items.append(gap)
    items.append(link(page.next_num or page.pages, "Next", "" if page.has_next else " disabled"))
    where = f"Page {page.page} · {page.total:,}+ in all" if capped else \
        f"Page {page.page} of {page.pages} · {page.total} in all"
    return Markup(
        '<nav aria-label="Pages" class="d-flex flex-wrap gap-2 justify-content-between align-items-center">'
        f'<span class="text-body-secondary small" data-testid="pager-count">{where}</span>'
        f'<ul class="pagination flex-wrap mb-0">{"".join(items)}</ul></nav>')
