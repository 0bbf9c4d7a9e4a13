"""dateutil `rrule` / `rruleset` objects (inside an `RRuleClock`), in Prefect's shape.

An rrule is written as its RFC 5545 text (`rr`) plus its start and end as ISO strings
(`_dtstart`, `_until`: the text form drops their offsets); an rruleset as the lists of
its rules, dates, exclusion rules and exclusion dates. dateutil is imported only here.
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, List, Mapping

from prefect_compat.serialization._schema import as_mapping, fail, format_version, join, require

__all__ = ["dump_rrule", "is_rrule", "load_rrule"]


def is_rrule(value: Any) -> bool:
    return type(value).__module__ == "dateutil.rrule" and type(value).__name__ in (
        "rrule",
        "rruleset",
    )


def _iso(value: Any) -> Any:
    return None if value is None else value.isoformat()


def _rule(rule: Any) -> Dict[str, Any]:
    return {
        "_dtstart": _iso(getattr(rule, "_dtstart", None)),
        "_until": _iso(getattr(rule, "_until", None)),
        "rr": str(rule),
        "__version__": format_version(),
    }


def dump_rrule(value: Any, typed: bool = True) -> Dict[str, Any]:
    if type(value).__name__ == "rruleset":
        out: Dict[str, Any] = {
            "_rrule": [_rule(r) for r in value._rrule],
            "_rdate": [_iso(d) for d in value._rdate],
            "_exrule": [_rule(r) for r in value._exrule],
            "_exdate": [_iso(d) for d in value._exdate],
            "__version__": format_version(),
        }
    else:
        out = _rule(value)
    if typed:
        out["type"] = type(value).__name__
    return out


def _when(value: Any, where: str) -> Any:
    if value is None:
        return None
    try:
        return datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise fail(where, f"Not a valid ISO 8601 datetime: {value!r:.80}.") from exc


def _dateutil() -> Any:
    from prefect_compat._lazy import require

    # python-dateutil comes with croniter (the "cron" extra)
    return require("dateutil.rrule", extra="cron", feature="Loading an RRuleClock's rule")


def _load_rule(data: Any, where: str) -> Any:
    rrule = _dateutil()

    data = as_mapping(data, where, "an rrule")
    text = require(data, "rr", where)
    try:
        rule = rrule.rrulestr(str(text))
    except (ValueError, TypeError) as exc:
        raise fail(join(where, "rr"), f"Not a valid RRULE text: {text!r:.80} ({exc}).") from exc
    bounds = {
        key: _when(data.get(field), join(where, field))
        for key, field in (("dtstart", "_dtstart"), ("until", "_until"))
    }
    bounds = {key: value for key, value in bounds.items() if value is not None}
    return rule.replace(**bounds) if bounds else rule


def _dates(data: Mapping[str, Any], field: str, where: str) -> List[Any]:
    return [_when(v, f"{join(where, field)}[{i}]") for i, v in enumerate(data.get(field) or [])]


def load_rrule(data: Any, where: str = "", kind: str | None = None) -> Any:
    """The rrule (or rruleset) a `dump_rrule` dict describes."""
    rrule = _dateutil()

    data = as_mapping(data, where, "an rrule")
    if (kind or data.get("type")) != "rruleset":
        return _load_rule(data, where)
    rules = rrule.rruleset()
    for i, item in enumerate(data.get("_rrule") or []):
        rules.rrule(_load_rule(item, f"{join(where, '_rrule')}[{i}]"))
    for i, item in enumerate(data.get("_exrule") or []):
        rules.exrule(_load_rule(item, f"{join(where, '_exrule')}[{i}]"))
    for when in _dates(data, "_rdate", where):
        rules.rdate(when)
    for when in _dates(data, "_exdate", where):
        rules.exdate(when)
    return rules
