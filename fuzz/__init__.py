"""Coverage-guided fuzzing of every reader: targets, structure-aware mutators, seeds and the runner.

See fuzz/README.md. Nothing here is imported by the package; importing this
package imports nothing of visitexport, so the engine can instrument it first.
"""
