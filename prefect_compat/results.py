"""Prefect 2.x result types (`prefect.results`) and the factory the 2.x engine calls.

What a 2.x state's `data` holds: the raw value (not persisted), a `LiteralResult` (`None`,
`True`, `False` — never written anywhere), or a `PersistedResult`: a reference
(`serializer_type`, `storage_block_id`, `storage_key`) to one JSON document in a storage
block, the `PersistedResultBlob`:

    {"serializer": {<description>}, "data": "<serializer output as text>",
     "prefect_version": "2.6.9+compat.<version>"}

Documents are byte-compatible with Prefect 2.6.9's in both directions; the key is
`uuid4().hex` and the file sits flat under the storage's basepath. `storage_block_id` is a
uuid5 of the storage's type and non-secret fields; it resolves in-process, and through the
local block registry (`$PREFECT_HOME/blocks/<id>.json`, written on the first write through
a storage) in another process.

The engine's API (all synchronous):

    storage = resolve_storage(value)        # None -> LocalFileSystem(PREFECT_LOCAL_STORAGE_PATH),
                                            # a block, "slug/name", or a UUID; else TypeError
    serializer = resolve_serializer(value)  # None -> PREFECT_RESULTS_DEFAULT_SERIALIZER, a name,
                                            # or a Serializer; unknown name -> ValueError
    factory = ResultFactory(persist_result, cache_result_in_memory, storage, serializer)
    data = factory.create_result(obj)       # LiteralResult for None/True/False; else a
                                            # PersistedResult when persisting; else obj itself
                                            # (None when cache_result_in_memory is off too)
    value = factory.read(storage_key)       # the value stored under that key
    value = data.get(_sync=True)            # a result's value, never an awaitable

`get()` without `_sync` behaves as in 2.6.9: called on a running event loop's thread it
returns an awaitable (`await state.result(fetch=False).get()`), elsewhere the value.
`create_result` raises TypeError naming the serializer and the type when the value cannot
be encoded (nothing is written); reading a corrupt, truncated or foreign document raises
`ResultReadError` naming the storage key and the serializer; a missing file raises the
storage's ValueError (`"Path <basepath>/<key> does not exist."`).
"""

from __future__ import annotations

import json
import sys
import uuid
from typing import Any, ClassVar, Dict, Tuple, Type, TypeVar

from prefect_compat import __version__, _blocks
from prefect_compat.blocks.core import Block, _block_class
from prefect_compat.exceptions import ResultReadError
from prefect_compat.filesystems import LocalFileSystem, WritableFileSystem
from prefect_compat.serializers import Serializer
from prefect_compat.settings import PREFECT_LOCAL_STORAGE_PATH, PREFECT_RESULTS_DEFAULT_SERIALIZER

__all__ = [
    "BaseResult",
    "LiteralResult",
    "PersistedResult",
    "PersistedResultBlob",
    "ResultFactory",
    "resolve_serializer",
    "resolve_storage",
]

PREFECT_VERSION = f"2.6.9+compat.{__version__}"
LITERAL_TYPES: Tuple[type, ...] = (type(None), bool)

R = TypeVar("R", bound="BaseResult")
_MISSING: Any = object()
_BLOCKS_BY_ID: Dict[uuid.UUID, WritableFileSystem] = {}
_REGISTERED: set[Tuple[str, uuid.UUID]] = set()


def _on_event_loop() -> bool:
    asyncio = sys.modules.get("asyncio")  # no asyncio imported: no loop can be running
    return asyncio is not None and asyncio._get_running_loop() is not None


async def _awaitable(value: Any) -> Any:
    return value


class BaseResult:
    """Common surface: `type`, `get()`, `has_cached_object()`, `dict()`/`json()`."""

    type: str = ""
    _fields: ClassVar[Tuple[str, ...]] = ("type",)
    _registry: ClassVar[Dict[str, Type[BaseResult]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("type")
        if name:
            BaseResult._registry[name] = cls

    def get(self, _sync: bool | None = None) -> Any:
        """The value (read from storage if needed); an awaitable on an event loop thread."""
        if _sync is None and _on_event_loop():
            return self._aget()
        return self._get()

    async def _aget(self) -> Any:
        return self._get()

    def _get(self) -> Any:
        raise NotImplementedError

    def has_cached_object(self) -> bool:
        return False

    def dict(self) -> Dict[str, Any]:
        return {name: getattr(self, name) for name in self._fields}

    def json(self) -> str:
        return json.dumps(self.dict(), default=str)

    @classmethod
    def parse_obj(cls: Type[R], data: Dict[str, Any]) -> R:
        """A result from its `dict()`/JSON form, dispatching on `type` from BaseResult."""
        target = BaseResult._registry.get(data.get("type", "")) if cls is BaseResult else cls
        if target is None:
            known = ", ".join(map(repr, sorted(BaseResult._registry)))
            raise ValueError(f"Unknown result type {data.get('type')!r}; expected one of {known}.")
        return target(**data)  # type: ignore[return-value]

    @classmethod
    def parse_raw(cls: Type[R], text: Any) -> R:
        return cls.parse_obj(json.loads(text))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BaseResult) and self.dict() == other.dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({fields})"

    def __str__(self) -> str:
        return " ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)


class LiteralResult(BaseResult):
    """`None`, `True` or `False`, kept inline and never written to storage."""

    type = "literal"
    _fields = ("type", "value")

    def __init__(self, type: str = "literal", value: Any = None) -> None:  # noqa: A002
        if type != "literal":
            raise ValueError(f"LiteralResult has type 'literal', not {type!r}.")
        self.value = value

    @classmethod
    def create(cls, obj: Any) -> LiteralResult:
        if not isinstance(obj, LITERAL_TYPES):
            expected = ", ".join(t.__name__ for t in LITERAL_TYPES)
            raise TypeError(
                f"Unsupported type {type(obj).__name__!r} for result literal. "
                f"Expected one of: {expected}"
            )
        return cls(value=obj)

    def _get(self) -> Any:
        return self.value

    def has_cached_object(self) -> bool:
        return True


class PersistedResultBlob:
    """The JSON document written for each persisted result."""

    def __init__(
        self, serializer: Any, data: bytes, prefect_version: str = PREFECT_VERSION
    ) -> None:
        self.serializer = Serializer.parse_obj(serializer)
        self.data = data.encode() if isinstance(data, str) else bytes(data)
        self.prefect_version = prefect_version

    def dict(self) -> Dict[str, Any]:
        return {
            "serializer": self.serializer,
            "data": self.data,
            "prefect_version": self.prefect_version,
        }

    def json(self) -> str:
        """Keys in 2.6.9's order, json's default separators, `data` as text."""
        return json.dumps(
            {
                "serializer": self.serializer.dict(),
                "data": self.data.decode(),
                "prefect_version": self.prefect_version,
            }
        )

    def to_bytes(self) -> bytes:
        return self.json().encode()

    @classmethod
    def parse_raw(cls, raw: Any) -> PersistedResultBlob:
        """Parse a document; ValueError/TypeError for anything that is not one."""
        document = json.loads(raw)
        if not isinstance(document, dict) or not isinstance(document.get("data"), str):
            raise ValueError("expected a JSON object with 'serializer' and 'data' text")
        if not isinstance(document.get("serializer"), dict):
            raise ValueError("the document has no serializer description")
        version = document.get("prefect_version", PREFECT_VERSION)
        return cls(document["serializer"], document["data"], str(version))

    def load(self) -> Any:
        return self.serializer.loads(self.data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PersistedResultBlob) and self.dict() == other.dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"PersistedResultBlob(serializer={self.serializer!r}, data={self.data!r}, "
            f"prefect_version={self.prefect_version!r})"
        )


def _document(description: str, data: bytes) -> bytes:
    """What `PersistedResultBlob(...).to_bytes()` gives, built from a cached description."""
    version = json.dumps(PREFECT_VERSION)
    text = f'{{"serializer": {description}, "data": {json.dumps(data.decode())}, '
    return f'{text}"prefect_version": {version}}}'.encode()


def _encode(serializer: Serializer, obj: Any, description: str | None = None) -> bytes:
    """The document for `obj`, or TypeError naming the serializer and the value's type."""
    try:
        return _document(description or serializer.json(), serializer.dumps(obj))
    except Exception as exc:  # noqa: BLE001 - serializers raise anything; we name it once
        raise TypeError(
            f"{exc} (the {serializer.type!r} result serializer cannot encode a value of type "
            f"{type(obj).__name__!r}; nothing was written). Return a value it supports, or "
            "choose another result_serializer, e.g. 'pickle'."
        ) from exc


def _decode(raw: bytes, storage: Any, key: str, serializer_type: str) -> Any:
    """The value in a stored document, or ResultReadError naming key and serializer."""
    try:
        blob = PersistedResultBlob.parse_raw(raw)
    except (ValueError, TypeError) as exc:
        raise ResultReadError(
            f"The result stored at key {key!r} in {storage!r} is not a persisted result "
            f"document ({type(exc).__name__}: {exc}); expected the JSON document the "
            f"{serializer_type!r} result serializer writes. It is truncated or corrupt, or "
            "was not written by Prefect."
        ) from exc
    try:
        return blob.load()
    except Exception as exc:  # noqa: BLE001 - any decoder error means unreadable data
        raise ResultReadError(
            f"Cannot decode the result stored at key {key!r} in {storage!r} with its "
            f"{blob.serializer.type!r} serializer ({type(exc).__name__}: {exc}). The data is "
            "corrupt, or was written by another serializer than its document names."
        ) from exc


def remember_storage(storage: WritableFileSystem, ident: uuid.UUID) -> None:
    """Make `ident` resolvable here, and (once per home) from other processes."""
    _BLOCKS_BY_ID[ident] = storage
    slug = storage.get_block_type_slug()
    if _block_class(slug) is not type(storage):
        return  # a custom block class: resolvable in this process only
    marker = (_blocks.home(), ident)
    if marker not in _REGISTERED:
        _blocks.save_anonymous(ident, slug, storage._public())
        _REGISTERED.add(marker)


class PersistedResult(BaseResult):
    """A reference to one document in a storage block; `get()` reads and caches it."""

    type = "reference"
    _fields = ("type", "serializer_type", "storage_block_id", "storage_key")

    def __init__(
        self,
        serializer_type: str,
        storage_block_id: Any,
        storage_key: str,
        type: str = "reference",  # noqa: A002
    ) -> None:
        if type != "reference":
            raise ValueError(f"PersistedResult has type 'reference', not {type!r}.")
        self.serializer_type = serializer_type
        self.storage_block_id = (
            storage_block_id
            if isinstance(storage_block_id, uuid.UUID)
            else uuid.UUID(str(storage_block_id))
        )
        self.storage_key = storage_key
        self._cache: Any = _MISSING
        self._storage: WritableFileSystem | None = None

    @classmethod
    def create(  # noqa: PLR0913 - Prefect's signature
        cls,
        obj: Any,
        storage_block: WritableFileSystem,
        storage_block_id: uuid.UUID | None = None,
        serializer: Serializer | None = None,
        cache_object: bool = True,
    ) -> PersistedResult:
        """Encode `obj`, write it atomically under a new key, return the reference."""
        serializer = resolve_serializer(serializer)
        ident = storage_block_id or storage_block._block_document_id
        result = cls._write(obj, storage_block, ident, serializer, None)
        remember_storage(storage_block, ident)
        if cache_object:
            result._cache = obj
        return result

    @classmethod
    def _write(
        cls,
        obj: Any,
        storage: WritableFileSystem,
        ident: uuid.UUID,
        serializer: Serializer,
        description: str | None,
    ) -> PersistedResult:
        document = _encode(serializer, obj, description)
        key = uuid.uuid4().hex
        storage.write_path(key, document)
        result = cls(serializer_type=serializer.type, storage_block_id=ident, storage_key=key)
        result._storage = storage
        return result

    def has_cached_object(self) -> bool:
        return self._cache is not _MISSING

    def _get(self) -> Any:
        if self._cache is not _MISSING:
            return self._cache
        storage = self._storage or resolve_storage(self.storage_block_id)
        raw = storage.read_path(self.storage_key)
        self._cache = _decode(raw, storage, self.storage_key, self.serializer_type)
        return self._cache


def _storage_from_id(ident: uuid.UUID) -> WritableFileSystem:
    storage = _BLOCKS_BY_ID.get(ident)
    if storage is not None:
        return storage
    found = _blocks.find_anonymous(ident)
    cls = _block_class(found[0]) if found else None
    if found is None or cls is None or not issubclass(cls, WritableFileSystem):
        raise ValueError(
            f"Unable to find block document with id {ident}: no storage with that id was "
            f"used in this process or recorded under {_blocks.registry_paths()[2]}. Read the "
            "result with the PREFECT_HOME that wrote it."
        )
    built = cls._from_fields(found[1], {})
    _BLOCKS_BY_ID[ident] = built
    return built


def resolve_storage(value: Any = None) -> WritableFileSystem:
    """A storage block from None (the default local storage), a block, a slug or a UUID."""
    if value is None:
        return LocalFileSystem(basepath=str(PREFECT_LOCAL_STORAGE_PATH.value()))
    if isinstance(value, str):
        value = Block.load(value)
    elif isinstance(value, uuid.UUID):
        return _storage_from_id(value)
    if isinstance(value, Block):
        if not isinstance(value, WritableFileSystem):
            raise TypeError(
                f"Result storage must be a file system block (LocalFileSystem, S3, GCS, "
                f"RemoteFileSystem); got {type(value).__name__}, which cannot write paths."
            )
        return value
    raise TypeError(
        "Result storage must be one of the following types: 'UUID', 'Block', 'str'. "
        f"Got unsupported type {type(value).__name__!r}."
    )


def resolve_serializer(value: Any = None) -> Serializer:
    """A serializer from None (the default setting), a type name or an instance."""
    if isinstance(value, Serializer):
        return value
    if value is None:
        name = PREFECT_RESULTS_DEFAULT_SERIALIZER.value()
        try:
            return Serializer(type=name)  # type: ignore[no-any-return]
        except ValueError as exc:
            raise ValueError(f"{exc} (from PREFECT_RESULTS_DEFAULT_SERIALIZER)") from exc
    if isinstance(value, str):
        return Serializer(type=value)  # type: ignore[no-any-return]
    raise TypeError(
        "Result serializer must be a serializer name ('pickle', 'json', 'compressed/pickle', "
        f"'compressed/json') or a Serializer instance; got {type(value).__name__}."
    )


class ResultFactory:
    """Turns a run's return value into what its state holds, persisting when asked."""

    def __init__(
        self,
        persist_result: bool,
        cache_result_in_memory: bool,
        storage: Any = None,
        serializer: Any = None,
    ) -> None:
        self.persist_result = bool(persist_result)
        self.cache_result_in_memory = bool(cache_result_in_memory)
        self.storage_block = resolve_storage(storage)
        self.serializer = resolve_serializer(serializer)
        self.storage_block_id = self.storage_block._block_document_id
        self._description: str | None = None  # the serializer's JSON, on first write

    @property
    def storage(self) -> WritableFileSystem:
        return self.storage_block

    def create_result(self, obj: Any) -> Any:
        """LiteralResult for None/True/False; PersistedResult if persisting; else obj/None."""
        if obj is None or obj is True or obj is False:
            return LiteralResult(value=obj)
        if not self.persist_result:
            return obj if self.cache_result_in_memory else None
        first = self._description is None
        if first:
            self._description = self.serializer.json()
        result = PersistedResult._write(
            obj, self.storage_block, self.storage_block_id, self.serializer, self._description
        )
        if first:
            remember_storage(self.storage_block, self.storage_block_id)
        if self.cache_result_in_memory:
            result._cache = obj
        return result

    def read(self, storage_key: str) -> Any:
        """The value stored under `storage_key` in this factory's storage."""
        raw = self.storage_block.read_path(storage_key)
        return _decode(raw, self.storage_block, storage_key, self.serializer.type)

    def __repr__(self) -> str:
        return (
            f"ResultFactory(persist_result={self.persist_result}, cache_result_in_memory="
            f"{self.cache_result_in_memory}, serializer={self.serializer!r}, "
            f"storage_block_id={self.storage_block_id!r}, storage_block={self.storage_block!r})"
        )
