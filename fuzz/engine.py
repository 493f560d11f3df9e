"""The atheris engine: instrument the readers, then fuzz one target in this process until libFuzzer stops it.

``python -m fuzz.engine TARGET [libFuzzer arguments]``, from the repository's
root. fuzz/run.py starts it as a child process, because libFuzzer ends the
process itself (with the exit status of a finding, or 0 when its budget is
spent) and writes what it found to files.

Only code imported inside the instrumentation block is measured for
coverage, and the registry imports readers and writers when first used, so
every module the registry names is imported here, and the target is run once
on its first seeds (which imports whatever those modules import on the way,
openpyxl's parser included).
"""

from __future__ import annotations

import importlib
import itertools
import random
import sys

import atheris
from atheris.import_hook import instrument_imports

#: The Python code whose branches guide the fuzzer; lxml and orjson are C and give no coverage.
INSTRUMENTED = ("visitexport", "openpyxl", "et_xmlfile")


def main(argv: list[str]) -> None:
    name, libfuzzer_args = argv[1], argv[2:]
    with instrument_imports(include=list(INSTRUMENTED)):
        from fuzz.corpus import iter_seeds
        from fuzz.targets import TARGETS
        from visitexport import formats

        for fmt in formats.FORMATS.values():
            for path in (fmt.reader, fmt.writer, fmt.sniffer):
                if path is not None:
                    importlib.import_module(path.split(":")[0])
        target = TARGETS[name]
        for seed in itertools.islice(iter_seeds(name), 2):
            target.check(seed)

    def custom_mutator(data: bytes, max_size: int, seed: int) -> bytes:
        return target.mutate(data, max_size, random.Random(seed), atheris.Mutate)

    # libFuzzer runs its first argument as a command line to start workers (-fork, -jobs) and to minimise a
    # crash (-minimize_crash): the script's path alone would not run, this command does.
    command = f"{sys.executable} -m fuzz.engine {name}"
    atheris.Setup([command, *libfuzzer_args], target.check, custom_mutator=custom_mutator)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
