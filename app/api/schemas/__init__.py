"""Marshmallow schemas: they validate what comes in, shape what goes out, and are the OpenAPI document."""
