"""The hostile-input suite's cases and harness (run by tests/test_hostile.py).

- `harness`: a case's shape, the child process that runs its commands under caps,
  the listener and the secret, and the judgement of what happened;
- `child`: that child (standard library only before its audit hook);
- `builders`: the seed, its XML and workbook, and a zip writer that lies;
- `json_cases`, `xml_cases`, `xlsx_cases`: one case per attack.

A new attack is a new entry in its format's ``CASES``, with its expected outcome.
"""
