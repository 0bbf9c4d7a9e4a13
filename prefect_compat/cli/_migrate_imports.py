"""Import rules of `prefect-compat migrate`: imports from moved or removed modules.

One `from`/`import` statement may become several: names whose module moved go to the
new module, names that stay (custom-handler bases, names removed in 1.x, under a TODO)
keep the old one. Names already imported elsewhere are not imported twice.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple

from prefect_compat.cli._migrate_codemod import (
    _chain,
    _module_name,
    _with_todos,
    cst,
    helpers,
)
from prefect_compat.cli._migrate_tables import (
    _GONE_IN_1X,
    DOCS,
    HANDLERS,
    REMOVED,
    REMOVED_MODULES,
    canon,
    handler_kind,
    in_handlers,
    moved,
    split_root,
)


class _ImportRules:
    """leave_SimpleStatementLine of _Migrator: imports from moved or removed modules."""

    def leave_SimpleStatementLine(self: Any, original: Any, updated: Any) -> Any:
        pieces: List[Tuple[Any, List[str]]] = []
        changed = False
        for small in updated.body:
            if isinstance(small, cst.ImportFrom):
                out = self._from_import(small)
            elif isinstance(small, cst.Import):
                out = self._import(small)
            else:
                out = None
            changed = changed or out is not None
            pieces.extend([(small, [])] if out is None else out)
        if not changed:
            return updated
        if not pieces:  # every name was already imported elsewhere
            has_comments = any(line.comment for line in updated.leading_lines)
            return updated if has_comments else cst.RemovalSentinel.REMOVE
        if len(pieces) == len(updated.body):
            line = updated.with_changes(body=[stmt for stmt, _ in pieces])
            return _with_todos(
                line, [t for _, ts in pieces for t in ts], self.todo_width(), self.header
            )
        lines = []
        for index, (stmt, texts) in enumerate(pieces):
            alone = stmt.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
            line = cst.SimpleStatementLine(body=[alone])
            if index == 0:
                line = line.with_changes(
                    leading_lines=updated.leading_lines,
                    trailing_whitespace=updated.trailing_whitespace,
                )
            lines.append(_with_todos(line, texts, self.todo_width(), self.header))
        return cst.FlattenSentinel(lines)

    def _from_import(self: Any, node: Any) -> List[Tuple[Any, List[str]]] | None:
        found = split_root(_module_name(node) or "")
        if found is None:
            return None
        root, rest = found
        if isinstance(node.names, cst.ImportStar):
            return self._star_import(node, root, rest)
        groups: Dict[str, List[Any]] = {}
        texts: List[str] = []
        for alias in node.names:
            for module, new_alias, text in self._place(rest, alias):
                key = (f"{root}.{module}".rstrip("."), new_alias.name.value, _asname(new_alias))
                if module != rest and key in self.survey.imported | self.emitted:
                    continue  # already imported: do not import it twice
                self.emitted.add(key)
                groups.setdefault(module, []).append(new_alias)
                texts += [text] if text else []
        if list(groups) == [rest] and list(groups[rest]) == list(node.names):
            return [(node, texts)] if texts else None
        original = list(node.names)
        out: List[Tuple[Any, List[str]]] = []
        for module, group in sorted(groups.items(), key=lambda item: item[0] != rest):
            # names that changed are sorted; an untouched prefix keeps its order
            unchanged = group == original[: len(group)]
            aliases = group if unchanged else sorted(group, key=lambda a: a.name.value)
            names = _commas(aliases, original, node.lpar is not None)
            stmt = node.with_changes(module=_chain(root, module), names=names)
            owns_texts = module == rest or (rest not in groups and not out)
            out.append((stmt, texts if owns_texts else []))
        return out

    def _star_import(self: Any, node: Any, root: str, rest: str) -> Any:
        if in_handlers(rest):
            text = f"star import from {root}.{rest}: rewrite the handler names by hand {DOCS}."
            return [(node, [text])]
        target = moved(rest)
        if target is not None:
            return [(node.with_changes(module=_chain(root, target)), [])]
        return [(node, [REMOVED_MODULES[rest]])] if rest in REMOVED_MODULES else None

    def _place(self: Any, rest: str, alias: Any) -> List[Tuple[str, Any, str | None]]:
        """Where one imported name goes: [(module, alias, TODO or None)]."""
        name = alias.name.value
        local = _asname(alias) or name
        full = f"{rest}.{name}" if rest else name
        survey = self.survey
        if canon(full) == HANDLERS or handler_kind(full):
            out: List[Tuple[str, Any, str | None]] = []
            if survey.keeps_old(local):
                frozen = local in survey.frozen
                out.append((rest, alias, _FROZEN.format(local=local) if frozen else None))
            if survey.adds_new(local):
                module, _, new_name = (moved(full) or full).rpartition(".")
                new_local = survey.new_local.get(local, local)
                out.append((module, _renamed(alias, new_name, new_local), None))
            return out
        if in_handlers(full):
            return [(rest, alias, REMOVED.get((HANDLERS, name), _UNKNOWN_HANDLER_NAME))]
        target = moved(full)
        if target is not None:
            module, _, new_name = target.rpartition(".")
            return [(module, _renamed(alias, new_name, _asname(alias) or new_name), None)]
        text = REMOVED.get((canon(rest), name)) or REMOVED_MODULES.get(canon(full))
        return [(rest, alias, text or REMOVED_MODULES.get(rest))]

    def _import(self: Any, node: Any) -> List[Tuple[Any, List[str]]] | None:
        kept: List[Any] = []
        added: List[Any] = []
        texts: List[str] = []
        for alias in node.names:
            found = split_root(helpers.get_full_name_for_node(alias.name) or "")
            target = moved(found[1]) if found else None
            if found is None or target is None:
                if found and found[1] in REMOVED_MODULES:
                    texts.append(REMOVED_MODULES[found[1]])
                kept.append(alias)
                continue
            new = alias.with_changes(name=_chain(found[0], target))
            local = _asname(alias) or found[0]
            if canon(found[1]) != HANDLERS:
                kept.append(new)
                continue
            if self.survey.keeps_old(local):
                kept.append(alias)
                texts += [_FROZEN.format(local=local)] if local in self.survey.frozen else []
            if self.survey.adds_new(local):
                (added if kept and kept[-1] is alias else kept).append(new)
        if kept == list(node.names) and not added:
            return [(node, texts)] if texts else None
        original = list(node.names)
        out = [(node.with_changes(names=_commas(kept, original, False)), texts)] if kept else []
        if added:
            out.append((node.with_changes(names=_commas(added, original, False)), []))
        return out


_FROZEN = (
    "{local} still comes from prefect.engine.result_handlers: it is used as a base class "
    f"here, so it and its other uses were left as they are {DOCS}."
)
_UNKNOWN_HANDLER_NAME = f"prefect.engine.result_handlers {_GONE_IN_1X} {DOCS}."


def _asname(alias: Any) -> str | None:
    return alias.asname.name.value if alias.asname else None


def _renamed(alias: Any, name: str, local: str) -> Any:
    """`alias` importing `name` as `local`, keeping its comma and spacing."""
    if local == name:
        asname = None
    elif alias.asname:
        asname = alias.asname.with_changes(name=cst.Name(local))
    else:
        asname = cst.AsName(name=cst.Name(local))
    return alias.with_changes(name=cst.Name(name), asname=asname)


def _commas(aliases: Sequence[Any], original: Sequence[Any], parens: bool) -> List[Any]:
    """`aliases` punctuated like `original`, the statement they come from.

    Each name keeps its own comma (and any comment on it); the last one takes the
    original last comma (a trailing comma, or the newline before `)`), and a name that
    had none gets the original separator. Without parentheses, no trailing comma.
    """
    separator = next(
        (a.comma for a in original[:-1] if a.comma is not cst.MaybeSentinel.DEFAULT),
        cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
    )
    last = len(aliases) - 1
    out = []
    for index, alias in enumerate(aliases):
        if index == last:
            comma = original[-1].comma if parens else cst.MaybeSentinel.DEFAULT
            out.append(alias.with_changes(comma=comma))
        elif alias.comma is cst.MaybeSentinel.DEFAULT or alias.comma is original[-1].comma:
            out.append(alias.with_changes(comma=separator))
        else:
            out.append(alias)
    return out
