"""Helpers shared by the blueprints' forms."""


def apply_errors(form, error):
    """Put a service ValidationError's messages on the matching form fields."""
    unplaced = []
    for name, message in error.errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [message]
        else:
            unplaced.append(message)
    return unplaced
