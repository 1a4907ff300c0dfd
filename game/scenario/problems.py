"""Schema errors as PATH:LINE:COL problems, shared by every file loader (ruleset, map, scenario)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from game.scenario import schema
from game.scenario.schema import did_you_mean
from game.scenario.yamlload import LoadedYaml, Problem

Loc = tuple[str | int, ...]

_ALL_FIELDS = sorted(
    {
        (f.alias or name)
        for m in vars(schema).values()
        if isinstance(m, type) and issubclass(m, BaseModel)
        for name, f in m.model_fields.items()
    }
)


def loc_text(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _short(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def pydantic_problems(err: ValidationError, doc: LoadedYaml, prefix: Loc = ()) -> list[Problem]:
    out: list[Problem] = []
    for e in err.errors():
        loc = prefix + tuple(p for p in e["loc"] if isinstance(p, (str, int)))
        is_key = bool(loc) and loc[-1] == "[key]"  # a bad mapping key: point at the key itself
        if is_key:
            loc = loc[:-1]
        kind = e["type"]
        where = loc_text(loc)
        if kind == "missing":
            if doc.problems:  # a blanked-out syntax error line: its key is "missing" only as a consequence
                continue
            msg = f"{loc_text(loc[:-1]) or 'top level'}: missing required key '{loc[-1]}'"
            out.append(doc.problem(loc[:-1], msg))
        elif kind == "extra_forbidden":
            key = str(loc[-1])
            msg = f"{loc_text(loc[:-1]) or 'top level'}: unknown key '{key}'{did_you_mean(key, _ALL_FIELDS)}"
            out.append(doc.problem(loc, msg, key=True))
        else:
            text = e["msg"]
            if (
                kind not in ("unknown_id", "strength_type", "cost_type")
                and "input" in e
                and not isinstance(e["input"], (dict, list))
                and _short(e["input"]) not in text  # the message already quotes the value
            ):
                text += f" (got {_short(e['input'])})"
            out.append(doc.problem(loc, f"{where}: {text}" if where else text, key=is_key))
    return out


def validate_model(model: type[BaseModel], data: Any, doc: LoadedYaml, prefix: Loc, ctx: dict, problems: list[Problem]):
    try:
        return model.model_validate(data, context=ctx)
    except ValidationError as err:
        problems.extend(pydantic_problems(err, doc, prefix))
        return None


def dedupe_sorted(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple] = set()
    out = []
    for p in sorted(problems, key=lambda p: (p.path, p.line, p.col, p.message)):
        key = (p.path, p.line, p.col, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
