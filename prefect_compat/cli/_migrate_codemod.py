"""The libcst side of `prefect-compat migrate`: a survey of the module, then the rewrite rules.

`_Survey` is a read-only pre-pass: class bases, how each imported handler name is
used, simple assignments, names in use. From it, `decide()` settles per import
whether the old import stays, the new one is added, or both (a handler class used
as a base class keeps its old import). The rule mixins (`_NameRules`, `_CallRules`
here, `_ImportRules` in `_migrate_imports.py`) are combined into the transformer in
`migrate.py`. Rules that cannot rewrite something safely call `todo()`, which puts a
`# TODO(prefect-compat): ...` comment above the enclosing statement (once).
"""

from __future__ import annotations

import textwrap
from typing import Any, Dict, List, NamedTuple, Sequence, Tuple, cast

from prefect_compat._lazy import require
from prefect_compat.cli._migrate_tables import (
    DOCS,
    HANDLER_SPECS,
    HANDLERS,
    RESULTS,
    TODO,
    Spec,
    canon,
    handler_kind,
    in_handlers,
    moved,
    split_root,
)

cst: Any = require("libcst", extra="migrate", feature="prefect-compat migrate")
meta = require("libcst.metadata", extra="migrate", feature="prefect-compat migrate")
helpers = require("libcst.helpers", extra="migrate", feature="prefect-compat migrate")


def _qname(visitor: Any, node: Any) -> Tuple[str, str] | None:
    """(root, rest) of the imported name `node` refers to, if it is under prefect."""
    for name in visitor.get_metadata(meta.QualifiedNameProvider, node, set()):
        if name.source is meta.QualifiedNameSource.IMPORT:
            return split_root(name.name)
    return None


def _head(node: Any) -> str | None:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def _module_name(node: Any) -> str | None:
    if node.relative or node.module is None:
        return None
    return helpers.get_full_name_for_node(node.module)


# -- pre-pass: what the rewrite needs to know about the whole module ------------------------


class _Binding(NamedTuple):
    local: str  # the name the import binds
    rest: str  # what it binds, relative to the root
    aliased: bool  # `as` given (for `import a.b`, the root is bound: never aliased)
    plain: bool  # `import a.b.c` rather than `from a.b import c`


class _Survey(cst.CSTVisitor):
    """Class bases, handler references per imported name, assignments, names in use."""

    METADATA_DEPENDENCIES = (meta.QualifiedNameProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.bases: set = set()  # id() of expressions used as class bases
        self.refs: Dict[str, List[int]] = {}  # local -> [converted uses, kept uses]
        self.assigned: Dict[str, list] = {}  # name -> values assigned to it
        self.custom_classes: set = set()  # classes in this module deriving from handlers
        self.builtin_base: Dict[str, str] = {}  # class -> Prefect handler it derives from
        self.names: set = set()  # every Name outside imports
        self.imported: set = set()  # (module, name, asname) of existing from-imports
        self.bindings: List[_Binding] = []
        self.frozen: set = set()  # locals whose imports and uses are kept unchanged
        self.new_local: Dict[str, str] = {}  # local -> name after the rewrite

    def visit_ImportFrom(self, node: Any) -> bool:
        module = _module_name(node)
        if module is None or isinstance(node.names, cst.ImportStar):
            return False
        for alias in node.names:
            name = alias.name.value
            asname = alias.asname.name.value if alias.asname else None
            self.imported.add((module, name, asname))
            found = split_root(f"{module}.{name}")
            if found and in_handlers(found[1]):
                self.bindings.append(_Binding(asname or name, found[1], asname is not None, False))
        return False

    def visit_Import(self, node: Any) -> bool:
        for alias in node.names:
            found = split_root(helpers.get_full_name_for_node(alias.name) or "")
            if found and canon(found[1]) == HANDLERS:
                asname = alias.asname.name.value if alias.asname else None
                local = asname or helpers.get_full_name_for_node(alias.name).split(".")[0]
                self.bindings.append(_Binding(local, found[1], asname is not None, not asname))
        return False

    def visit_ClassDef(self, node: Any) -> None:
        name = node.name.value
        for base in node.bases:
            self.bases.add(id(base.value))
            found = _qname(self, base.value)
            local = base.value.value if isinstance(base.value, cst.Name) else None
            if local in self.custom_classes or (found and in_handlers(found[1])):
                self.custom_classes.add(name)
            kind = self.builtin_base.get(local or "") or (found and handler_kind(found[1]))
            if kind:
                self.builtin_base.setdefault(name, kind)

    def visit_Assign(self, node: Any) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.assigned.setdefault(target.target.value, []).append(node.value)

    def visit_Attribute(self, node: Any) -> bool:
        found = _qname(self, node)
        if found and in_handlers(found[1]):
            self._count(node, found[1])
            return False
        return True

    def visit_Name(self, node: Any) -> None:
        self.names.add(node.value)
        found = _qname(self, node)
        if found and in_handlers(found[1]):
            self._count(node, found[1])

    def _count(self, node: Any, rest: str) -> None:
        converted = handler_kind(rest) is not None and id(node) not in self.bases
        counts = self.refs.setdefault(_head(node) or "", [0, 0])
        counts[0 if converted else 1] += 1

    def decide(self) -> None:
        """Per imported handler name: keep the old import, the new one, or both."""
        for b in self.bindings:
            converted, kept = self.refs.get(b.local, [0, 0])
            module = canon(b.rest) == HANDLERS
            if b.plain:
                self.new_local[b.local] = b.local
            elif kept and (b.aliased or module) and (converted or module):
                self.frozen.add(b.local)
            elif module and not b.aliased:
                self.new_local[b.local] = "results" if "results" not in self.names else b.local
            elif handler_kind(b.rest) and not b.aliased:
                self.new_local[b.local] = HANDLER_SPECS[cast(str, handler_kind(b.rest))].result

    def keeps_old(self, local: str) -> bool:
        return local in self.frozen or self.refs.get(local, [0, 0])[1] > 0

    def adds_new(self, local: str) -> bool:
        converted, kept = self.refs.get(local, [0, 0])
        return local not in self.frozen and (converted > 0 or kept == 0)


# -- the rewrite ------------------------------------------------------------------------------

_STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)


def _comment_lines(text: str, width: int) -> List[Any]:
    lines = textwrap.wrap(TODO + text, width=width, break_on_hyphens=False)
    return [
        cst.EmptyLine(comment=cst.Comment(("# " if i == 0 else "#   ") + line))
        for i, line in enumerate(lines)
    ]


def _with_todos(node: Any, texts: Sequence[str], width: int, seen: Any = frozenset()) -> Any:
    """`node` with a TODO comment above it per text, unless an identical one is there.

    `width` is the text width, so that with the indentation lines stay within ~96
    columns. `seen`: comments above the first statement, which libcst parses into the
    module header rather than into that statement.
    """
    present = {line.comment.value for line in node.leading_lines if line.comment} | seen
    added = []
    for text in dict.fromkeys(texts):
        lines = _comment_lines(text, width)
        if lines[0].comment.value not in present:
            added += lines
    if not added:
        return node
    return node.with_changes(leading_lines=[*node.leading_lines, *added])


def _literal(expr: Any) -> Any:
    """The value of a None or string literal, else a marker that matches nothing."""
    if isinstance(expr, cst.Name) and expr.value == "None":
        return None
    if isinstance(expr, cst.SimpleString):
        return expr.evaluated_value
    return _literal


def _as_keyword(arg: Any, name: str) -> Any:
    equal = cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
    )
    return arg.with_changes(keyword=cst.Name(name), equal=equal)


class _NameRules:
    """Statement bookkeeping (TODOs), and names / attribute chains that moved."""

    def on_visit(self: Any, node: Any) -> bool:
        if isinstance(node, _STATEMENTS):
            self.todos.append([])
        elif isinstance(node, (cst.Import, cst.ImportFrom)):
            self.in_import += 1
        elif isinstance(node, cst.IndentedBlock):
            self.depth += 1
        return super().on_visit(node)  # type: ignore[misc]

    def on_leave(self: Any, original: Any, updated: Any) -> Any:
        result = super().on_leave(original, updated)  # type: ignore[misc]
        if isinstance(original, (cst.Import, cst.ImportFrom)):
            self.in_import -= 1
        elif isinstance(original, cst.IndentedBlock):
            self.depth -= 1
        if isinstance(original, _STATEMENTS):
            texts = self.todos.pop()
            if texts and isinstance(result, cst.FlattenSentinel):
                first, *others = result.nodes
                first = _with_todos(first, texts, self.todo_width(), self.header)
                result = cst.FlattenSentinel([first, *others])
            elif texts and isinstance(result, _STATEMENTS):
                result = _with_todos(result, texts, self.todo_width(), self.header)
        return result

    def todo_width(self: Any) -> int:
        return max(40, 92 - self.depth * len(self.module.default_indent))

    def todo(self: Any, text: str) -> None:
        self.todos[-1].append(text)

    def code(self: Any, node: Any, limit: int = 40) -> str:
        text = " ".join(self.module.code_for_node(node).split())
        return text if len(text) <= limit else text[: limit - 3] + "..."

    # names and attribute chains

    def leave_Name(self: Any, original: Any, updated: Any) -> Any:
        if self.in_import or id(original) in self.survey.bases:
            return updated
        found = _qname(self, original)
        if found is None or original.value != found[1].rpartition(".")[2]:
            return updated  # not imported under its own name (aliased, or a root name)
        new = self.survey.new_local.get(original.value)
        if original.value in self.survey.frozen or new is None:
            new = self._renamed_import(original.value, found[1])
        return updated.with_changes(value=new) if new else updated

    @staticmethod
    def _renamed_import(local: str, rest: str) -> str | None:
        """New local name for a non-handler name imported as itself (PrefectError, ...)."""
        if in_handlers(rest):
            return None
        target = moved(rest)
        return target.rpartition(".")[2] if target else None

    def visit_Attribute(self: Any, node: Any) -> bool:
        """A chain naming something under prefect is rewritten whole in leave_Attribute."""
        return _head(node) is None or _qname(self, node) is None

    def leave_Attribute(self: Any, original: Any, updated: Any) -> Any:
        head = _head(original)
        if self.in_import or head is None or id(original) in self.survey.bases:
            return updated
        found = _qname(self, original)
        if found is None or head in self.survey.frozen:
            return updated
        root, rest = found
        target = moved(rest) or rest
        source = helpers.get_full_name_for_node(original)
        if source == f"{root}.{rest}":  # spelled out in full: `prefect.engine.executors.X`
            new = _chain(root, target)
        else:  # rooted at an imported module (`rh.S3ResultHandler`), rewritten too
            head_found = _qname(self, _root_name(original))
            if head_found is None:
                return updated
            head_target = moved(head_found[1]) or head_found[1]
            if head_target and not target.startswith(head_target + "."):
                return updated  # cannot be said through this import; left as is
            tail = target[len(head_target) + 1 :] if head_target else target
            new = _chain(self.survey.new_local.get(head, head), tail)
        if self.module.code_for_node(new) == source:
            return updated
        return new.with_changes(lpar=updated.lpar, rpar=updated.rpar)


def _chain(head: str, rest: str) -> Any:
    """The expression `head.rest` as a Name/Attribute chain."""
    node = cst.Name(head)
    for part in filter(None, rest.split(".")):
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def _root_name(node: Any) -> Any:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node


class _CallRules:
    """leave_Call and leave_ClassDef of _Migrator: handler calls, `result_handler=`, classes."""

    def leave_Call(self: Any, original: Any, updated: Any) -> Any:
        kind = self._handler_call(original)
        if kind is not None:
            updated = updated.with_changes(args=self._map_args(HANDLER_SPECS[kind], updated.args))
        return self._result_keyword(original, updated)

    def _handler_call(self: Any, call: Any) -> str | None:
        found = _qname(self, call.func)
        if found is None or _head(call.func) in self.survey.frozen:
            return None
        return handler_kind(found[1])

    def _map_args(self: Any, spec: Spec, args: Sequence[Any]) -> List[Any]:
        """The handler's arguments as the Result's: renamed, dropped, or made keywords."""
        out: List[Any] = []
        for index, arg in enumerate(args):
            param = arg.keyword.value if arg.keyword else None
            if param is None and not arg.star and index < len(spec.params):
                param = spec.params[index]
            if param not in spec.params:
                out.append(arg)  # *args, **kwargs or unknown: left for the user
                continue
            target = spec.renames.get(param, param)
            if target is None:
                if _literal(arg.value) not in spec.harmless:
                    self.todo(f"{param}={self.code(arg.value)} was dropped: {spec.dropped_why}.")
                continue
            position = sum(1 for a in out if not a.keyword and not a.star)
            if arg.keyword and target != param:
                out.append(arg.with_changes(keyword=cst.Name(target)))
            elif not arg.keyword and spec.positional[position : position + 1] != (target,):
                out.append(_as_keyword(arg, target))
            else:
                out.append(arg)
        if out and args and out[-1] is not args[-1]:
            out[-1] = out[-1].with_changes(comma=args[-1].comma)
        return out

    def _result_keyword(self: Any, original: Any, updated: Any) -> Any:
        """`result_handler=` -> `result=` when the value is (now) a Result; else a TODO."""
        keywords = [a.keyword.value if a.keyword else None for a in original.args]
        if "result_handler" not in keywords:
            return updated
        index = keywords.index("result_handler")
        value = original.args[index].value
        verdict = "both" if "result" in keywords else self._classify(value)
        if verdict == "result":
            args = list(updated.args)
            args[index] = args[index].with_changes(keyword=cst.Name("result"))
            return updated.with_changes(args=args)
        self.todo(_kept_reason(verdict, f"result_handler={self.code(value)}"))
        return updated

    def _classify(self: Any, expr: Any, follow: bool = True) -> str:
        """ "result" (safe as result=), "subclass:<handler>", "custom" or "unknown"."""
        if isinstance(expr, cst.Name) and expr.value == "None":
            return "result"
        if isinstance(expr, cst.Call):
            found = _qname(self, expr.func)
            if found and handler_kind(found[1]):  # converted, unless its import is kept
                return "result" if self._handler_call(expr) else "unknown"
            if found and found[1].startswith((RESULTS + ".", "engine.result.")):
                return "result"
            local = expr.func.value if isinstance(expr.func, cst.Name) else ""
            if local in self.survey.builtin_base:
                return "subclass:" + self.survey.builtin_base[local]
            if (found and in_handlers(found[1])) or local in self.survey.custom_classes:
                return "custom"
        if isinstance(expr, cst.Name) and follow and expr.value in self.survey.assigned:
            verdicts = {self._classify(v, False) for v in self.survey.assigned[expr.value]}
            if len(verdicts) == 1:
                return verdicts.pop()
            if "custom" in verdicts:
                return "custom"
        return "unknown"

    def leave_ClassDef(self: Any, original: Any, updated: Any) -> Any:
        name = original.name.value
        kind = self.survey.builtin_base.get(name)
        if kind:
            result = HANDLER_SPECS[kind].result
            self.todo(
                f"{name} subclasses {kind}: Prefect 0.13 and prefect-compat turn it into a "
                f"plain {result} and ignore its own read/write. Port it to a {result} "
                f"subclass {DOCS}."
            )
        elif name in self.survey.custom_classes:
            self.todo(
                f"{name} is a custom result handler: there is no Result class to rewrite it "
                "to. prefect-compat runs it wrapped in ResultHandlerResult; Prefect 1.x has no "
                f"result handlers. Port read/write to a Result subclass {DOCS}."
            )
        return updated


def _kept_reason(verdict: str, shown: str) -> str:
    """The TODO for a `result_handler=` argument left as it is."""
    if verdict == "both":
        return (
            "result= and result_handler= are both given; Prefect 0.13 used result_handler= "
            "and ignored result=. Keep one, as result=."
        )
    if verdict.startswith("subclass:"):
        kind = verdict.partition(":")[2]
        result = HANDLER_SPECS[kind].result
        return (
            f"{shown} left as is: it subclasses {kind}, which Prefect 0.13 and prefect-compat "
            f"turn into a plain {result}, ignoring its own read/write. Pass result={result}(...) "
            f"or a {result} subclass instead {DOCS}."
        )
    if verdict == "custom":
        return (
            f"{shown} is a custom result handler, left as is: there is no Result class to "
            "rewrite it to. prefect-compat runs it wrapped in ResultHandlerResult; Prefect 1.x "
            f"has no result handlers {DOCS}."
        )
    return (
        f"{shown} left as is: cannot tell whether it is one of Prefect's handlers. If it is "
        "now a Result, rename the keyword to result=."
    )
