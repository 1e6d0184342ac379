"""Jinja2 templates to block markup: one sandboxed, autoescaping environment.

Autoescaping means content text can never add markup; StrictUndefined means a typo
in a template fails loudly; the sandbox means a user's override template cannot
reach Python internals. A failure names the template file and line.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from functools import lru_cache, partial
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from .errors import TemplateError, display_path
from .render.markup import Document, parse

def environment(search_path: tuple[Path, ...]) -> jinja2.Environment:
    """`search_path`: user template folders first, the built-in templates last. Compiled
    templates are kept while the folders' files stay the same; adding, removing or
    editing one gives a new environment (Jinja alone would miss a new file that
    overrides one it has already compiled)."""
    return _environment(search_path, _listing(search_path))


def _listing(search_path: tuple[Path, ...]) -> tuple:
    stamps = []
    for folder in search_path:
        for path in sorted(folder.rglob("*.j2")):
            stat = path.stat()
            stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs in the user's cache folder (Jinja keys each
    by its name and source, so an edited template is compiled again): compiling the
    templates is half a second of every build otherwise. None where it cannot be made."""
    from .machine_cache import folder

    where = folder(f"templates-{jinja2.__version__}")
    return jinja2.FileSystemBytecodeCache(str(where)) if where else None


@lru_cache(maxsize=8)
def _environment(search_path: tuple[Path, ...], listing: tuple) -> jinja2.Environment:
    return ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(p) for p in search_path]),
        bytecode_cache=_bytecode_cache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def preload(search_path: tuple[Path, ...], names) -> None:
    """Compile templates now, so worker processes forked later inherit them compiled."""
    env = environment(search_path)
    for name in names:
        try:
            env.get_template(name)
        except jinja2.TemplateError:
            pass  # reported, with its file and line, when the template is rendered


def render_markup(search_path: tuple[Path, ...], name: str, **context) -> Document:
    """Template `name` rendered with `context`, its block markup parsed into nodes.
    Raises TemplateError (naming the template file) for any mistake in the template or
    in the markup it produced."""
    env = environment(search_path)
    try:
        template = env.get_template(name)
        text = template.render(**context)
    except jinja2.TemplateSyntaxError as err:
        raise TemplateError(f"{_shown(err.filename or name)}:{err.lineno}: template syntax "
                            f"error: {err.message}") from None
    except SecurityError as err:
        where = _template_frame(name)
        raise TemplateError(f"{where}: not allowed in a template: {err}") from None
    except jinja2.TemplateError as err:  # undefined names, missing includes, ...
        where = _template_frame(name)
        raise TemplateError(f"{where}: template error: {err.message or err}") from None
    source = _shown(template.filename or name)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as err:
        line, _ = err.position
        raise TemplateError(f"{source}: produced broken block markup at line {line} of its "
                            f"output ({err}); check the tags in the template") from None
    return parse(root, source, partial(_template_text, env, name))


def _template_text(env: jinja2.Environment, name: str) -> str:
    """The template's own source, to point at the line of a markup mistake."""
    try:
        return env.loader.get_source(env, name)[0]
    except (jinja2.TemplateError, OSError):
        return ""


def _template_frame(name: str) -> str:
    """The innermost template file and line in the traceback Jinja rewrote for us."""
    tb = sys.exc_info()[2]
    where = name
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            where = f"{_shown(filename)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def _shown(filename: str) -> str:
    return display_path(Path(filename))
