"""Legacy support for Prefect 0.10-0.13 code: result handlers, moved import paths.

Everything that exists only so old code keeps running lives under this package, so
deleting it breaks only the legacy import paths and their tests. The engine
(`_engine/`, `_storage/`) never imports from here.
"""
