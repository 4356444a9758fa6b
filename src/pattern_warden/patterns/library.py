"""Load pattern documents (markdown with YAML front matter) and serve them by id.

The bundled library ships inside the wheel, so ``uvx pattern-warden`` serves exactly what a
checkout serves; a project adds or overrides documents with its own folders. A document whose
front matter is broken is refused with a problem that names the file and the field, and the
rest of the library still loads: one bad file must not take the server down.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pattern_warden.errors import UnknownId, WardenError

if TYPE_CHECKING:
    from pattern_warden.patterns.search import PatternSearchResult, SearchIndex

URI_PREFIX = "warden://patterns/"
INDEX_URI = URI_PREFIX + "index"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_FENCED = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.DOTALL | re.MULTILINE)


def bundled_dir() -> Path:
    """The bundled documents: inside the installed package, or at the checkout's top level."""
    here = Path(__file__).resolve().parent.parent
    installed = here / "_resources" / "patterns"
    return installed if installed.is_dir() else here.parent.parent / "resources" / "patterns"


class FrontMatter(BaseModel):
    """The fields every document declares; nothing else is allowed, so typos are caught."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str
    title: str = Field(min_length=1)
    category: str = Field(min_length=1)
    tags: list[str] = Field(min_length=1)
    summary: str = Field(min_length=1, max_length=240)
    rules: list[str]
    retired: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id_is_a_slug(cls, value: str) -> str:
        if not _ID.match(value) or value == "index":
            raise ValueError("must be lowercase letters, digits and dashes (and not 'index')")
        return value

    @field_validator("summary")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value:
            raise ValueError("must be one line")
        return value


class PatternMeta(BaseModel):
    """One catalogue entry: what ``warden://patterns/index`` lists for each document."""

    id: str
    title: str
    category: str
    tags: list[str]
    summary: str
    rules: list[str]
    retired: list[str] = Field(
        default_factory=list,
        description="Versions and APIs the document marks as removed or deprecated; its advice never uses them.",
    )
    uri: str
    source: Literal["bundled", "project"]
    file: str = Field(description="Where the document was loaded from.")
    overrides_bundled: bool = False


class PatternDoc(BaseModel):
    """A loaded document: its catalogue entry, its full markdown, and its headings."""

    meta: PatternMeta
    text: str
    body: str
    headings: list[str]


class PatternDocument(BaseModel):
    """A whole pattern document, with its catalogue fields."""

    id: str
    title: str
    category: str
    tags: list[str]
    summary: str
    rules: list[str] = Field(description="Codes of the rules that enforce this pattern.")
    uri: str
    source: str
    markdown: str = Field(description="The document, front matter included.")

    @classmethod
    def of(cls, doc: PatternDoc) -> PatternDocument:
        """The tool answer for a loaded document."""
        return cls(**doc.meta.model_dump(include=set(cls.model_fields)), markdown=doc.text)


class LoadProblem(BaseModel):
    """A document that was refused, naming the file and the field at fault."""

    file: str
    field: str
    message: str


class PatternIndex(BaseModel):
    """The catalogue; its text rendering is served at ``warden://patterns/index``."""

    count: int
    categories: list[str]
    patterns: list[PatternMeta]
    problems: list[LoadProblem] = Field(default_factory=list)


def parse_document(path: Path, source: Literal["bundled", "project"], display: str | None = None) -> PatternDoc:
    """Parse one file; a ``LoadError`` names the field that is wrong.

    ``display`` is how the file is named in the catalogue and in problems (the bundled
    documents are named by their place in the repository, wherever they are installed).
    """
    display = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(display, "file", f"cannot be read as UTF-8 text: {exc}") from exc
    match = _FRONT.match(text)
    if not match:
        raise LoadError(display, "front matter", "missing: the file must start with a '---' block")
    import yaml  # deferred: only loading documents needs it

    try:
        data: Any = yaml.load(match.group(1), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise LoadError(display, "front matter", f"is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise LoadError(display, "front matter", "must be a mapping of fields")
    try:
        front = FrontMatter.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"]) or "front matter"
        message = "is required" if error["type"] == "missing" else error["msg"]
        if error["type"] == "extra_forbidden":
            message = f"is not a known field (allowed: {', '.join(FrontMatter.model_fields)})"
        raise LoadError(display, field, message) from exc
    body = text[match.end() :]
    meta = PatternMeta(**front.model_dump(), uri=URI_PREFIX + front.id, source=source, file=display)
    return PatternDoc(meta=meta, text=text, body=body, headings=_HEADING.findall(_FENCED.sub("", body)))


class LoadError(Exception):
    """Raised by ``parse_document``; becomes a ``LoadProblem`` in the library."""

    def __init__(self, file: str, field: str, message: str) -> None:
        super().__init__(f"{file}: {field} {message}")
        self.problem = LoadProblem(file=file, field=field, message=message)


class PatternLibrary:
    """All documents by id, with the problems met while loading them."""

    def __init__(self, docs: dict[str, PatternDoc], problems: list[LoadProblem]) -> None:
        self.docs = docs
        self.problems = problems
        self._search: SearchIndex | None = None

    @classmethod
    def load(cls, project_dirs: list[Path] | None = None, include_bundled: bool = True) -> PatternLibrary:
        """The bundled documents, then each project folder's; later ids override earlier ones."""
        docs: dict[str, PatternDoc] = {}
        problems: list[LoadProblem] = []
        folders: list[tuple[Path, Literal["bundled", "project"]]] = []
        if include_bundled:
            folders.append((bundled_dir(), "bundled"))
        folders += [(Path(d), "project") for d in project_dirs or []]
        for folder, source in folders:
            if not folder.is_dir():
                problems.append(
                    LoadProblem(file=str(folder), field="folder", message="does not exist or is not a folder")
                )
                continue
            for path in sorted(folder.rglob("*.md")):
                display = f"resources/patterns/{path.relative_to(folder).as_posix()}" if source == "bundled" else None
                try:
                    doc = parse_document(path, source, display)
                except LoadError as exc:
                    problems.append(exc.problem)
                    continue
                previous = docs.get(doc.meta.id)
                if previous is not None and previous.meta.source == source:
                    problems.append(
                        LoadProblem(file=str(path), field="id", message=f"duplicates the id in {previous.meta.file}")
                    )
                    continue
                if previous is not None:
                    doc.meta.overrides_bundled = True
                docs[doc.meta.id] = doc
        return cls(dict(sorted(docs.items())), problems)

    def get(self, pattern_id: str) -> PatternDoc:
        """The document with this id; an unknown id gets the nearest ids as suggestions."""
        doc = self.docs.get(pattern_id.strip() if isinstance(pattern_id, str) else pattern_id)
        if doc is not None:
            return doc
        raise UnknownId("pattern", pattern_id, self.docs, INDEX_URI)

    def categories(self) -> list[str]:
        """The categories in use, sorted, for filters and error hints."""
        return sorted({doc.meta.category for doc in self.docs.values()})

    def index(self) -> PatternIndex:
        """The catalogue served at ``warden://patterns/index``, with the load problems."""
        return PatternIndex(
            count=len(self.docs),
            categories=self.categories(),
            patterns=[doc.meta for doc in self.docs.values()],
            problems=self.problems,
        )

    def search(self, query: str, category: str | None = None, limit: int = 10) -> PatternSearchResult:
        """Fuzzy search; see ``pattern_warden.patterns.search``. The index is built once."""
        from pattern_warden.patterns.search import SearchIndex

        if self._search is None:
            self._search = SearchIndex(list(self.docs.values()))
        return self._search.search(query, category=category, limit=limit, categories=self.categories())
