"""What the typed records of core.model give everything else: their fields in file order, the
plain data files and `--json` write, a record rebuilt from trusted plain data (a stored row), and
the JSON schema of docs/export-format.md.

A record is a frozen dataclass whose fields carry msgspec constraints and a label (`Meta`); msgspec
reads them (`msgspec.inspect`, `msgspec.json.schema`), so a field is written once. The checks with
today's one-line messages are core.validation.check_record.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any

import msgspec
import msgspec.inspect as mi

from stretchtui.core.model import Dose, Exercise, Routine, RoutineItem


@dataclass(frozen=True)
class Spec:
    """One field of a record as the checks, writers and readers use it."""

    name: str
    file_name: str  # the key in files (RoutineItem.exercise_id is 'exercise')
    type: Any  # msgspec.inspect type, Metadata unwrapped
    optional: bool  # None allowed (an unset override)
    required: bool
    default: Any
    title: str
    extra: dict[str, Any]


def unwrap(kind: Any) -> tuple[Any, str, dict[str, Any]]:
    if isinstance(kind, mi.Metadata):
        return kind.type, (kind.extra_json_schema or {}).get("title", ""), dict(kind.extra or {})
    return kind, "", {}


@cache
def specs(cls: type) -> tuple[Spec, ...]:
    """The fields of a record class, in declaration order (msgspec lists required ones first)."""
    described = mi.type_info(cls)
    assert isinstance(described, mi.DataclassType), cls
    info = {f.name: f for f in described.fields}
    result = []
    for declared in dataclasses.fields(cls):
        field = info[declared.name]
        kind, optional = field.type, False
        if isinstance(kind, mi.UnionType) and any(isinstance(t, mi.NoneType) for t in kind.types):
            kind, optional = next(t for t in kind.types if not isinstance(t, mi.NoneType)), True
        kind, title, extra = unwrap(kind)
        default = field.default_factory() if field.default_factory is not msgspec.NODEFAULT else field.default
        result.append(
            Spec(field.name, extra.get("file_name", field.name), kind, optional, field.required, default, title, extra)
        )
    return tuple(result)


@cache
def file_specs(cls: type) -> tuple[Spec, ...]:
    """The fields a file holds, in file order: FILE_ORDER first, the store's own (LOCAL) left out.
    Cached, as `specs` is: a record class does not change while the program runs, and an export
    asks once a record."""
    local: frozenset[str] = getattr(cls, "LOCAL", frozenset())
    first: tuple[str, ...] = getattr(cls, "FILE_ORDER", ())
    found = [spec for spec in specs(cls) if spec.name not in local]
    return (
        *sorted((s for s in found if s.name in first), key=lambda s: first.index(s.name)),
        *(s for s in found if s.name not in first),
    )


def nested_class(spec: Spec) -> type | None:
    """The record class of a list of records (a session's steps, a check-in's pains), else None."""
    if isinstance(spec.type, (mi.VarTupleType, mi.ListType)):
        item = unwrap(spec.type.item_type)[0]
        if isinstance(item, mi.DataclassType):
            return item.cls
    return None


def columns(cls: type) -> tuple[str, ...]:
    """A logged record's own table columns, in file order: not its nested records (their own
    table) nor a link to another record by uuid (the store keeps a row id: `link` in its Meta)."""
    return tuple(s.name for s in file_specs(cls) if nested_class(s) is None and "link" not in s.extra)


def is_flat(cls: type) -> bool:
    """A record that is one row: none of its fields is a list of records or a link by uuid."""
    return columns(cls) == tuple(spec.name for spec in file_specs(cls))


def is_pairs(kind: Any) -> bool:
    """tuple[tuple[Enum, str], ...]: a table of enum value = text in files."""
    return (
        isinstance(kind, mi.VarTupleType)
        and isinstance(kind.item_type, mi.TupleType)
        and isinstance(kind.item_type.item_types[0], mi.EnumType)
    )


def to_plain_value(kind: Any, value: Any) -> Any:
    """One field's value as files write it (`kind`: its msgspec.inspect type)."""
    if value is None:
        return None
    if is_pairs(kind):
        return {key.value: text for key, text in value}
    if isinstance(kind, (mi.VarTupleType, mi.ListType)):
        item = unwrap(kind.item_type)[0]
        return [to_plain_value(item, v) for v in value]
    if isinstance(kind, mi.DataclassType):
        return to_plain(value)
    if isinstance(value, Enum):
        return value.value
    return value


def _left_out(spec: Spec, value: Any) -> bool:
    """An unset optional field, or a sparse one at its default (core.model._field)."""
    return (spec.optional and value is None) or (spec.extra.get("sparse", False) and value == spec.default)


def to_plain(record: Any, *, skip: frozenset[str] | set[str] = frozenset(), unset: bool = False) -> dict[str, Any]:
    """A record as files and `--json` write it: enum values, lists, tables; an unset optional
    field (None) and a sparse one at its default are left out (kept with `unset`). FILE_ORDER keys
    (if the class has one) come first."""
    plain = {
        spec.file_name: to_plain_value(spec.type, getattr(record, spec.name))
        for spec in specs(type(record))  # type: ignore[arg-type]  # a class is hashable (mypy: type[Any])
        if spec.name not in skip and (unset or not _left_out(spec, getattr(record, spec.name)))
    }
    first = getattr(type(record), "FILE_ORDER", ())
    return {**{key: plain[key] for key in first if key in plain}, **plain}


def _trusted_value(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    if is_pairs(kind):
        enum = kind.item_type.item_types[0].cls
        return tuple((enum(key), text) for key, text in value.items())
    if isinstance(kind, (mi.VarTupleType, mi.ListType)):
        item = unwrap(kind.item_type)[0]
        return tuple(_trusted_value(item, v) for v in value)
    if isinstance(kind, mi.DataclassType):
        return from_trusted(kind.cls, value)
    if isinstance(kind, mi.EnumType):
        return kind.cls(value)
    if isinstance(kind, mi.BoolType):
        return bool(value)
    return value


def from_trusted(cls: type, data: dict[str, Any]) -> Any:
    """A record from plain data already checked once (a stored row, a session's saved routine):
    values are converted (enums, tuples), not checked again; a missing key (or None, where the
    field is not optional) takes its default. Keys may be field names or file names."""
    values = {}
    for spec in specs(cls):
        value = data.get(spec.file_name, data.get(spec.name))
        if value is not None or (spec.optional and (spec.file_name in data or spec.name in data)):
            values[spec.name] = _trusted_value(spec.type, value)
    return cls(**values)


def labels(*classes: type) -> dict[str, str]:
    """What a person calls each field, by name and file name, over the given record classes."""
    found: dict[str, str] = {}
    for cls in classes:
        for spec in specs(cls):
            if spec.title:
                found.setdefault(spec.name, spec.title)
                found.setdefault(spec.file_name, spec.title)
            if isinstance(spec.type, mi.DataclassType):
                found.update({k: v for k, v in labels(spec.type.cls).items() if k not in found})
            if isinstance(spec.type, (mi.VarTupleType, mi.ListType)):
                item = unwrap(spec.type.item_type)[0]
                if isinstance(item, mi.DataclassType):
                    found.update({k: v for k, v in labels(item.cls).items() if k not in found})
    return found


LABELS = labels(Exercise, Routine)


FILE_RECORDS: dict[str, type] = {"Exercise": Exercise, "Routine": Routine, "Dose": Dose, "RoutineItem": RoutineItem}
_INSTANT = {"type": "string", "description": "an instant, ISO 8601 in UTC: 2026-11-21T08:30:00.000000Z"}


def _logged_records() -> dict[str, type]:
    """The records of the logged sections (every list section but own exercises and routines, from
    core.exchange.bundle.SECTION_RECORDS), each followed by those nested in it (a session's steps,
    a check-in's pains), by schema name. Imported here: they import core.model."""
    from stretchtui.core.exchange.bundle import SECTION_RECORDS

    found: dict[str, type] = {}
    for cls in SECTION_RECORDS.values():
        if cls.__name__ not in FILE_RECORDS:
            found[cls.__name__] = cls
            found.update({inner.__name__: inner for inner in map(nested_class, specs(cls)) if inner is not None})
    return found


def _logged_schema(schema: dict[str, Any], cls: type) -> None:
    """A logged record's schema as files hold it: file order, no store-only field, and what a
    file may leave out (FILE_DEFAULTS) not required."""
    properties = schema["properties"]
    file_defaults: dict[str, Any] = getattr(cls, "FILE_DEFAULTS", {})
    order = [spec.file_name for spec in file_specs(cls)]
    schema["properties"] = {key: properties[key] for key in order}
    for key, default in file_defaults.items():
        schema["properties"][key] = {**schema["properties"][key], "default": to_plain_value(None, default)}
    schema["required"] = [key for key in order if key in schema.get("required", ()) and key not in file_defaults]
    for spec in file_specs(cls):
        if isinstance(spec.type, mi.DateTimeType):
            prop = schema["properties"][spec.file_name]
            if "anyOf" in prop:  # an instant or null
                prop["anyOf"] = [_INSTANT if branch.get("type") == "string" else branch for branch in prop["anyOf"]]
            else:
                schema["properties"][spec.file_name] = {**prop, **_INSTANT}
    schema["additionalProperties"] = False


def file_schema() -> dict[str, Any]:
    """The JSON schema of an export file (msgspec's, from the records: with the file's names,
    tables of condition = reason, the keys an export adds, and the sections of the file)."""
    from stretchtui.core.exchange.bundle import FORMAT_NAME, FORMAT_VERSION, SECTION_RECORDS

    logged = _logged_records()
    _, components = msgspec.json.schema_components([Exercise, Routine, *logged.values()], ref_template="#/$defs/{name}")
    for name, cls in logged.items():
        components[name].pop("description", None)
        _logged_schema(components[name], cls)
    for name, schema in components.items():
        schema.pop("description", None)
        for spec in specs(FILE_RECORDS[name]) if name in FILE_RECORDS else ():
            if is_pairs(spec.type):
                enum, text = spec.type.item_type.item_types
                schema["properties"][spec.name] = {
                    "title": spec.title,
                    "type": "object",
                    "propertyNames": {"enum": [e.value for e in enum.cls]},
                    "additionalProperties": {"type": "string", "maxLength": unwrap(text)[0].max_length},
                    "default": {},
                }
            if spec.file_name != spec.name:
                schema["properties"] = {
                    spec.file_name if key == spec.name else key: value for key, value in schema["properties"].items()
                }
                schema["required"] = [spec.file_name if key == spec.name else key for key in schema["required"]]
        if name in FILE_RECORDS:
            schema["additionalProperties"] = False
    components.pop("Origin", None)
    for name in ("Exercise", "Routine"):
        schema = components[name]
        schema["properties"].pop("origin", None)
        schema["properties"].update(uuid={"type": "string", "format": "uuid"}, created_at=_INSTANT, updated_at=_INSTANT)
        schema["required"] = ["uuid", *schema["required"], "created_at", "updated_at"]
    sections = {key: cls.__name__ for key, cls in SECTION_RECORDS.items()}
    return {
        "title": "stretchtui export",
        "type": "object",
        "properties": {
            "format": {"const": FORMAT_NAME},
            "format_version": {"type": "integer", "minimum": 1, "maximum": FORMAT_VERSION},
            "app_version": {"type": "string", "maxLength": 40},
            "exported_at": {**_INSTANT, "type": ["string", "null"]},
            "settings": {"type": "object", "description": "setting key = value (see Settings)"},
            "favourites": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
            **{key: {"type": "array", "items": {"$ref": f"#/$defs/{name}"}} for key, name in sections.items()},
        },
        "required": ["format", "format_version"],
        "additionalProperties": False,
        "$defs": dict(sorted(components.items())),
    }


SCHEMA_START = "<!-- schema: generated by `python -m stretchtui.core.records`, do not edit -->"
SCHEMA_END = "<!-- end of schema -->"


def schema_section() -> str:
    """The schema block of docs/export-format.md, markers included."""
    import json

    return f"{SCHEMA_START}\n```json\n{json.dumps(file_schema(), indent=2, ensure_ascii=False)}\n```\n{SCHEMA_END}"


if __name__ == "__main__":  # rewrite the schema block of docs/export-format.md
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "export-format.md"
    text = doc.read_text(encoding="utf-8")
    before, _, rest = text.partition(SCHEMA_START)
    _, _, after = rest.partition(SCHEMA_END)
    doc.write_text(before + schema_section() + after, encoding="utf-8")
