"""What moved between Prefect 0.10/0.13 and 1.x: the tables `prefect-compat migrate` uses.

Plain data and string functions on dotted paths (relative to the package root,
`prefect` or `prefect_compat`); no libcst here, so the tables can be read and tested
on their own.
"""

from __future__ import annotations

from typing import Any, Dict, NamedTuple, Tuple

ROOTS = ("prefect", "prefect_compat")
HANDLERS = "engine.result_handlers"
RESULTS = "engine.results"
TODO = "TODO(prefect-compat): "
DOCS = "(see docs/migration.md)"


class Spec(NamedTuple):
    """A handler class: its Result, both signatures, and what happens to each argument."""

    result: str
    params: Tuple[str, ...]  # the handler's parameters, in positional order
    positional: Tuple[str, ...]  # the Result's positional parameters, in order
    renames: Dict[str, str | None]  # handler param -> Result param; None: dropped
    harmless: Tuple[Any, ...] = (None,)  # dropped values that need no TODO
    dropped_why: str = ""


HANDLER_SPECS = {
    "LocalResultHandler": Spec(
        "LocalResult", ("dir", "validate"), ("dir", "validate_dir"), {"validate": "validate_dir"}
    ),
    "JSONResultHandler": Spec("PrefectResult", (), (), {}),
    "S3ResultHandler": Spec(
        "S3Result",
        ("bucket", "aws_credentials_secret", "boto3_kwargs"),
        ("bucket", "boto3_kwargs"),
        {"aws_credentials_secret": None},
        (None, "AWS_CREDENTIALS"),
        "S3Result reads credentials from the AWS_CREDENTIALS secret or boto3's default chain; "
        "store them under AWS_CREDENTIALS or pass them in boto3_kwargs",
    ),
    "GCSResultHandler": Spec(
        "GCSResult",
        ("bucket", "credentials_secret"),
        ("bucket",),
        {"credentials_secret": None},
        (None, "GCP_CREDENTIALS"),
        "GCSResult reads credentials from the GCP_CREDENTIALS secret or Google's default "
        "credentials; store them under GCP_CREDENTIALS",
    ),
    "ConstantResultHandler": Spec("ConstantResult", ("value",), (), {}),
    "SecretResultHandler": Spec("SecretResult", ("secret_task",), ("secret_task",), {}),
    "AzureResultHandler": Spec(
        "AzureResult",
        ("container", "connection_string", "azure_credentials_secret"),
        ("container", "connection_string"),
        {"azure_credentials_secret": None},
        (None,),
        "AzureResult takes connection_string= or connection_string_secret= (a secret holding "
        "a connection string, not account name/key)",
    ),
}
HANDLER_SUBMODULES = {"result_handler"} | {
    name.replace("ResultHandler", "").lower() + "_result_handler" for name in HANDLER_SPECS
}
MODULE_MOVES = {
    "engine.executors": "executors",
    "engine.executors.base": "executors.base",
    "engine.executors.local": "executors.local",
    "engine.executors.dask": "executors.dask",
}
NAME_MOVES = {
    ("core.task", "Parameter"): ("", "Parameter"),
    ("utilities.exceptions", "PrefectError"): ("exceptions", "PrefectException"),
    **{(HANDLERS, name): (RESULTS, spec.result) for name, spec in HANDLER_SPECS.items()},
}
_GONE_IN_1X = "was removed in Prefect 1.x"
REMOVED = {
    (HANDLERS, "ResultHandler"): "ResultHandler (for custom handlers) has no Result equivalent "
    f"and prefect.engine.result_handlers {_GONE_IN_1X}; it still works on prefect-compat. "
    f"Port custom handlers to Result subclasses {DOCS}.",
    ("engine.result", "SafeResult"): f"SafeResult {_GONE_IN_1X}: use Result and its value.",
    ("engine.result", "ResultInterface"): f"ResultInterface {_GONE_IN_1X}: use Result.",
    ("engine.results", "ResultHandlerResult"): f"ResultHandlerResult {_GONE_IN_1X}; it only "
    f"wraps custom result handlers: port them to Result subclasses {DOCS}.",
}
REMOVED_MODULES = {
    "utilities.exceptions": f"prefect.utilities.exceptions {_GONE_IN_1X}; see prefect.exceptions.",
    "environments": f"prefect.environments {_GONE_IN_1X} (use run configs); prefect-compat "
    "ignores environments.",
}


def split_root(qualified: str) -> Tuple[str, str] | None:
    """`("prefect", "engine.executors")` for "prefect.engine.executors"; None if not ours."""
    for root in ROOTS:
        if qualified == root:
            return root, ""
        if qualified.startswith(root + "."):
            return root, qualified[len(root) + 1 :]
    return None


def canon(module: str) -> str:
    """Collapse the submodules that hold one class each onto their package."""
    head, _, last = module.rpartition(".")
    if head == HANDLERS and last in HANDLER_SUBMODULES:
        return HANDLERS
    if module in ("engine.result.base", "engine.results.result_handler_result"):
        return head
    return module


def moved(rest: str) -> str | None:
    """The new path for object or module path `rest`, or None if it did not move."""
    module, _, name = rest.rpartition(".")
    hit = NAME_MOVES.get((canon(module), name))
    if hit is not None:
        return ".".join(part for part in hit if part)
    if canon(rest) == HANDLERS:
        return RESULTS
    for old, new in MODULE_MOVES.items():
        if rest == old or rest.startswith(old + "."):
            return new + rest[len(old) :]
    return None


def handler_kind(rest: str) -> str | None:
    """ "LocalResultHandler" etc. if `rest` names one of Prefect's handler classes."""
    module, _, name = rest.rpartition(".")
    return name if canon(module) == HANDLERS and name in HANDLER_SPECS else None


def in_handlers(rest: str) -> bool:
    return canon(rest) == HANDLERS or canon(rest.rpartition(".")[0]) == HANDLERS
