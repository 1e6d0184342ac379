"""python -m generator: the same as the lessonpack command."""

from .cli import main

main(prog_name="lessonpack")
