"""Where an app's code lives: on the Airflow worker (:class:`LocalLocation`) or in S3 (:class:`S3Location`)."""
from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from platyspark_airflow.hooks.platyspark import PlatySparkHook

_UPLOAD_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,254}")
#: Never packaged from a project directory: caches, virtual environments and VCS metadata.
DEFAULT_EXCLUDES = ("__pycache__", ".git", ".hg", ".svn", ".venv", "venv", ".mypy_cache", ".pytest_cache",
                    ".ipynb_checkpoints", "*.pyc", "*.pyo", ".DS_Store")
# Zip entries carry timestamps; a fixed one makes the archive depend on content only, so the same project gives
# the same bytes, the same content-addressed URI and so the same submit body on every Airflow try.
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class ResolvedSource:
    """What the submit body gets: the main file's URI or path and the extra ``--py-files``."""

    source: str
    py_files: tuple[str, ...] = ()


@dataclass(frozen=True)
class S3Location:
    """
    An app already in S3: ``uri`` is the main .py file or jar; ``py_files`` are extra .py/.zip/.egg files in S3.
    The server checks the bucket against its allow-list.
    """

    uri: str
    py_files: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for value, name in [(self.uri, "uri"), *[(p, "py_files") for p in self.py_files]]:
            if not re.match(r"^s3[an]?://[^/]+/.+", value):
                raise ValueError(f"S3Location.{name}: '{value}' must be an S3 URI such as s3://bucket/path/app.py")
        object.__setattr__(self, "py_files", tuple(self.py_files))

    def resolve(self, hook: PlatySparkHook, log: Callable[[str], None] = print) -> ResolvedSource:
        return ResolvedSource(self.uri, self.py_files)


@dataclass(frozen=True)
class LocalLocation:
    """
    An app on the Airflow worker's disk, shipped to the platform at run time.

    ``path`` is a single file (a .py or a jar) or a project directory. For a directory, ``entry_point`` names
    the main file inside it; the main file is uploaded as the source and the whole directory (less
    :data:`DEFAULT_EXCLUDES` and ``exclude``) is zipped and uploaded as a ``--py-files`` archive, so the main
    file can import the project's modules.

    With ``upload=False`` nothing is uploaded and the server gets the absolute path: only for a server on the
    same machine (or a shared filesystem) whose ``platy.security.local-source-roots`` include the path, and
    only for a single file.
    """

    path: str | os.PathLike
    entry_point: str | None = None
    upload: bool = True
    exclude: tuple[str, ...] = field(default_factory=tuple)

    def resolve(self, hook: PlatySparkHook, log: Callable[[str], None] = print) -> ResolvedSource:
        path = Path(self.path).expanduser().resolve()
        if not path.exists():
            raise FileNotFoundError(f"LocalLocation.path: '{self.path}' does not exist on this worker")
        if path.is_dir():
            if not self.entry_point:
                raise ValueError(f"LocalLocation.entry_point: '{self.path}' is a directory; name its main file, "
                                 "e.g. entry_point='main.py'")
            main = (path / self.entry_point).resolve()
            if not main.is_file() or path not in main.parents:
                raise ValueError(f"LocalLocation.entry_point: '{self.entry_point}' is not a file inside '{path}'")
        else:
            if self.entry_point:
                raise ValueError("LocalLocation.entry_point: applies to a directory only; 'path' is a file")
            main = path
        if not self.upload:
            if path.is_dir():
                raise ValueError("LocalLocation.upload=False: works for a single file only; a directory must be "
                                 "zipped and uploaded (leave upload=True)")
            log(f"using {main} as the source without uploading (the server must see this path)")
            return ResolvedSource(str(main))
        stored = hook.upload_artifact(main.read_bytes(), upload_name(main.name))
        log(f"uploaded {main} ({stored['size']} bytes) as {stored['uri']}"
            + (" (already there)" if stored.get("alreadyPresent") else ""))
        if not path.is_dir():
            return ResolvedSource(stored["uri"])
        archive = zip_directory(path, (*DEFAULT_EXCLUDES, *self.exclude))
        bundle = hook.upload_artifact(archive, upload_name(f"{path.name}.zip"))
        log(f"zipped {path} ({len(archive)} bytes) and uploaded it as {bundle['uri']}"
            + (" (already there)" if bundle.get("alreadyPresent") else ""))
        return ResolvedSource(stored["uri"], (bundle["uri"],))


def upload_name(name: str) -> str:
    """A file name the artifacts API accepts: letters, digits, '.', '_', '-', starting with a letter or digit."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip("._-") or "app"
    cleaned = cleaned.replace("..", "_")[:255]
    if not _UPLOAD_NAME.fullmatch(cleaned):  # pragma: no cover - the substitutions above make it match
        raise ValueError(f"cannot make an upload name from '{name}'")
    return cleaned


def _excluded(relative: Path, patterns: Iterable[str]) -> bool:
    return any(part_matches(part, pattern) for part in relative.parts for pattern in patterns)


def part_matches(part: str, pattern: str) -> bool:
    if pattern.startswith("*."):
        return part.endswith(pattern[1:])
    return part == pattern


def zip_directory(directory: Path, exclude: Iterable[str] = DEFAULT_EXCLUDES) -> bytes:
    """
    Zips a project directory deterministically: sorted entries, fixed timestamps and permissions, so the same
    files always give the same bytes. Paths in the archive are relative to the directory, as ``--py-files``
    needs for ``import package.module`` to work.
    """
    patterns = tuple(exclude)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in directory.rglob("*") if p.is_file()):
            relative = file.relative_to(directory)
            if _excluded(relative, patterns):
                continue
            info = zipfile.ZipInfo(relative.as_posix(), date_time=_FIXED_ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, file.read_bytes())
    return buffer.getvalue()
