"""A clone of the repository is all the tests, the validation and the benchmarks need: no code
reads reference data from a folder beside the checkout (the old `../shared/reference`). Such a
path passes on a machine that happens to have the folder and fails on every fresh clone."""
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCANNED = ("tests", "validation", "benchmarks", "examples", "python", "cli", "io", "network", "solver")
OUTSIDE = re.compile(r"""shared/reference|shared/spec|/\s*"\.\."\s*/\s*"shared"|parent\s*/\s*"shared\"""")


def test_no_code_reads_data_from_beside_the_checkout():
    offenders = []
    for folder in SCANNED:
        for path in (REPO / folder).rglob("*"):
            if path.suffix not in (".py", ".cpp", ".hpp", ".cmake", ".md") or "reference" in path.parts:
                continue
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                if OUTSIDE.search(line) and path.name != Path(__file__).name:
                    offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not offenders, "reads data from outside the repository:\n" + "\n".join(offenders)


def test_every_case_finds_its_reference_data_in_the_repository():
    cases = sorted((REPO / "validation" / "cases").glob("*/case.json"))
    assert len(cases) == 105
    missing = []
    for case in cases:
        for ref in re.findall(r"\$\{HEATNET_REFERENCE_DIR\}/([^\"\s]+)", case.read_text()):
            if not (REPO / "validation" / "reference" / ref).exists():
                missing.append(f"{case.parent.name}: {ref}")
    assert not missing, "\n".join(missing)
