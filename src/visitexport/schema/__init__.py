"""The schema: the bundled JSON Schema, the engines that apply it, its typed model, its messages.

- `loading`: the schema file inside the package, read once;
- `engines`: jsonschema-rs decides validity, jsonschema explains a refusal;
- `model`: the one typed walk of the schema, from which the key order, the
  XML shape, the XSD and the workbook layout all derive;
- `messages`: jsonschema's errors rewritten as problems people can act on.
"""

from __future__ import annotations

from visitexport.schema.engines import fast_check, reference_class, reference_validator
from visitexport.schema.loading import SCHEMA_ID, SCHEMA_VERSION, bundled_schema, load_schema, schema_bytes

__all__ = [
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "bundled_schema",
    "fast_check",
    "load_schema",
    "reference_class",
    "reference_validator",
    "schema_bytes",
]
