"""The `Cleaner`: runs the stages in order and assembles the `Result`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Protocol

from .config import Config
from .errors import InputError
from .html import context as htmlctx
from .html import typed
from .limits import binary_kind, check_depth, check_size, check_text
from .model import Removal, Repair, Result
from .repairs import fix
from .rules import LANG_SAMPLE, RuleSet, load_rules
from .text import classify, context, dedupe, score, segment

if TYPE_CHECKING:
    from .text.profile import Profile


class Features(Protocol):
    """What the HTML path knows about a line (extract.HtmlBlock has these)."""

    tag: str
    link_density: float
    heading: int


_HTML_SNIFF = ("<!doctype html", "<html", "<head", "<body", "<?xml", "<!--", "<div", "<meta")


def looks_like_html(text: str) -> bool:
    """True when the document starts like an HTML page (cheap: looks at the first bytes)."""
    head = text[:512].lstrip().lower()
    return head.startswith(_HTML_SNIFF)


class Cleaner:
    """A reusable cleaner: rules are compiled once, then `clean` is cheap per document."""

    def __init__(
        self, config: Config | None = None, *, profile: Profile | None = None, **options: Any
    ) -> None:
        base = config or Config()
        self.config = base.with_(**options) if options else base
        self.rules: RuleSet = load_rules(self.config.langs)
        self.profile = profile  # learned per-site boilerplate (`cleaner learn`), removed as site-repeated
        learned = self.config.scorer and self.config.mode != "conservative"
        self.scorer: score.LineScorer | None = score.load() if learned else None

    def clean(
        self,
        source: str | bytes,
        url: str | None = None,
        kind: str | None = None,
        *,
        site: str | None = None,
        encoding: str | None = None,
        page_type: str | None = None,
    ) -> Result:
        """Clean one document (text or HTML; bytes are decoded first).

        site: the document's site for a learned profile; by default the URL's host.
        encoding: the charset declared for bytes outside them (an HTTP Content-Type
        header); tried after a byte-order mark, before the document's own declaration.
        page_type: what the page is when the caller knows (typed.py): each type gets its own
        main content; in HTML mode by default the page's own type, else an article. (Text
        mode takes it too, so that a typed page's text cleaned again stays as it is.)
        """
        kind = kind or self.config.kind
        if not isinstance(source, str | bytes | bytearray):
            raise InputError(f"expected str or bytes, got {type(source).__name__}")
        check_size(len(source), self.config.max_size, "characters" if isinstance(source, str) else "bytes")
        if isinstance(source, bytes | bytearray):
            from .decode import decode_bytes

            what = binary_kind(bytes(source[:16]))
            if what is not None:
                raise InputError(f"binary data ({what}), not a text document; skipped")
            source = decode_bytes(bytes(source), declared=encoding)
        check_text(source)
        if kind == "auto":
            kind = "html" if looks_like_html(source) else "text"
        if kind == "html":
            from .html.page import clean_html

            check_depth(source)
            return clean_html(self, source, url, site=site, page_type=page_type)
        if kind != "text":
            raise InputError(f"kind must be 'auto', 'text' or 'html', not {kind!r}")
        return self.clean_text(source, url, site=site, page_type=page_type)

    def clean_text(
        self,
        text: str,
        url: str | None = None,
        metadata: dict[str, Any] | None = None,
        *,
        site: str | None = None,
        features: Sequence[Features] | None = None,
        page_type: str | None = None,
    ) -> Result:
        """Clean already-extracted text (the text path of the pipeline).

        features (HTML mode): one entry per line of `text` with the line's tag, link
        density and heading level; the HTML context rules (htmlctx.py) then run too.
        page_type: what the page is (typed.py): on a forum the comment rules stand down, on
        a listing the link and tail rules; None or an unknown type: an article.

        When the removals change the language pick so that the cleaned text would get a
        pack its input did not (a short text falls below the stopword count and gets every
        pack; a page loses the lines of its second language), a second run would apply rules
        the first did not: the cleaned text is then cleaned again, as text, here, so that
        `clean` stays idempotent. The extra removals are reported at their input lines.
        """
        knobs = typed.knobs(page_type)
        result, source, langs, kept = self._pass(text, url, metadata, site, features, knobs)
        for _ in range(EXTRA_ROUNDS):
            if not self._pick_grows(source, result.text, langs):
                break
            again, source, langs, kept_again = self._pass(
                result.text, url, result.metadata, site, None, knobs
            )
            moved = [
                Removal(r.text, r.reason, r.rule, kept[r.line] if 0 <= r.line < len(kept) else r.line)
                for r in again.removed
            ]
            removed = sorted([*result.removed, *moved], key=_LINE)
            result = Result(again.text, removed, result.repairs + again.repairs, again.metadata)
            kept = [kept[k] for k in kept_again]
        return result

    def _pass(
        self,
        text: str,
        url: str | None,
        metadata: dict[str, Any] | None,
        site: str | None,
        features: Sequence[Features] | None,
        knobs: typed.Knobs,
    ) -> tuple[Result, str, frozenset[str], list[int]]:
        """One run of the text pipeline: the result, the repaired text it cut into lines, the
        packs it ran and, for each kept line, its line in that text."""
        repairs: list[Repair] = []
        if self.config.repair:
            lines = text.count("\n") if features is not None else 0
            text, repairs = fix.repair_text(text)
            if features is not None and text.count("\n") != lines:
                features = None  # repair joined or split lines: the features no longer line up
        blocks, removed = segment.segment(text)
        langs = self.rules.pick(text)
        if features is not None:
            for b in blocks:
                f = features[b.index]
                b.tag, b.link_density, b.heading = f.tag, f.link_density, f.heading
                if b.tag in knobs.keep_tags:
                    b.keep = True  # code and table rows on documentation: the scorer learnt from articles
        classify.classify(blocks, text, self.rules, self.config, langs)
        # (in HTML mode too: its output, cleaned again as text, must come back unchanged)
        scorer = self.scorer if knobs.scorer else None
        statics: dict[int, float] = {}  # the scorer's sums of each line's own features
        comments = knobs.comment_rules
        context.revise(blocks, self.rules, self.config, comments=comments)
        if features is not None and htmlctx.revise(blocks, self.rules, self.config, links=knobs.link_rules):
            # lines the HTML rules took can make a new first line (a kicker) or close a zone:
            # the context pass looks again, as a second run on the text would
            context.revise(blocks, self.rules, self.config, comments=comments)
        if self.config.dedupe and knobs.dedupe:
            dedupe.dedupe(blocks, self.config)
        if self.profile is not None:
            self.profile.apply(blocks, site or url)
        if scorer is None:
            context.trim_tail(blocks, self.rules, self.config, tail=knobs.tail)
        else:
            # the tail rule's removals make a new context for the model, and the model's can
            # make a new last paragraph: alternate until neither takes a line, so that a second
            # run starts from the scores this one ends with (idempotence)
            scored = None  # the kept lines' scores among themselves, when known
            for _ in range(TAIL_ROUNDS):
                if scored is None:
                    scored = score.refresh(blocks, scorer, statics)  # the tail rule's bound
                took = context.trim_tail(blocks, self.rules, self.config, tail=knobs.tail)
                removed_any, scored = score.remove(blocks, scorer, statics, None if took else scored)
                if not removed_any and not took:
                    break
        meta: dict[str, Any] = dict(metadata or {})
        if url:
            meta.setdefault("url", url)
        kept = [b.index for b in blocks if not b.verdict]
        return assemble(blocks, removed, repairs, meta), text, langs, kept

    def _pick_grows(self, text: str, out: str, langs: frozenset[str]) -> bool:
        """Whether the cleaned text `out` would get packs that `text` (picked `langs`) did not.
        (Fewer packs remove no more: only a pick that grows can make a second run differ.)"""
        if out == text or langs == self.rules.packs or out[:LANG_SAMPLE] == text[:LANG_SAMPLE]:
            return False  # nothing removed; every pack ran already; the same sample
        return not self.rules.pick(out) <= langs

    def clean_many(self, sources: Iterable[str | bytes]) -> Iterator[Result]:
        """Clean a stream of documents lazily, one `Result` per input, in order."""
        for source in sources:
            yield self.clean(source)


def assemble(blocks: list[Any], removed: list[Removal], repairs: list[Any], meta: dict[str, Any]) -> Result:
    """Join kept blocks with "\\n"; merge removals in document order; lift kickers to metadata."""
    gone = [b for b in blocks if b.verdict]  # two comprehensions beat one loop with a branch
    if gone:
        had = bool(removed)
        for b in gone:
            if b.evidence:  # a model removal: its score and the features that decided it
                removed.append(Removal(b.text, b.verdict, b.rule, b.index, b.score, b.evidence))
            else:
                removed.append(Removal(b.text, b.verdict, b.rule, b.index))
            if b.verdict == "kicker":
                meta.setdefault("section", b.text)
        if had:
            removed.sort(key=_LINE)
    return Result("\n".join([b.text for b in blocks if not b.verdict]), removed, repairs, meta)


_LINE = attrgetter("line")
# Extra runs when the language pick grows (see Cleaner.clean_text); one is the rule, a
# pick that keeps changing after this many is left as it is.
EXTRA_ROUNDS = 3
TAIL_ROUNDS = 4  # model and tail rule in turn (Cleaner._pass); they settle in one or two


_DEFAULT: Cleaner | None = None


def default_cleaner() -> Cleaner:
    """The shared default-config cleaner behind the module-level functions."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Cleaner()
    return _DEFAULT


def clean(source: str | bytes, url: str | None = None, kind: str = "auto") -> Result:
    """Clean one document with the default configuration."""
    return default_cleaner().clean(source, url=url, kind=kind)
