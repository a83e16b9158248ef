"""The operator's upkeep: purge steps, integrity checks, stored-file sources and re-runs, by registration.

The kernel imports no feature app. Each app declares, from its ``AppConfig.ready()``, what it leaves
behind and what it must keep whole::

    register_purge("contacts.import_sources", purge_import_sources)      # (dry_run, now, progress) -> PurgeResult
    register_check("numbering", numbering_problems)                      # (deep, fix, progress) -> CheckResult
    register_files(ModelFiles("files.ProductFile", "file", prefix="products/", size_field="size",
                              sha256_field="sha256"))                    # what the database says is stored
    register_rerun("preflight", rerun_preflight)                         # (dry_run, progress) -> PurgeResult
    register_digest("school_activations", pending_activations)           # (now) -> DigestSection | None

and the ``purge``, ``integrity_check`` and ``rerun`` commands, and the beat's tasks, run what is
registered; the daily staff digest (``portal.tasks.send_staff_digest``) e-mails what the digest
sections report (activations pending for 72 hours, claims open for 10 days…). Every step streams
(``iterator(chunk_size=...)``, a storage walk) so its memory stays flat at the design scale, and is
idempotent: a second run finds nothing more to do.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.utils import timezone

BATCH = 500


class Progress:
    """What a long step reports while it runs; the command draws it, tasks and tests ignore it."""

    def start(self, label: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


@dataclass
class PurgeResult:
    count: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, other: PurgeResult) -> None:
        self.count += other.count
        self.bytes += other.bytes
        self.problems.extend(other.problems)


@dataclass
class CheckResult:
    problems: list[str] = field(default_factory=list)
    fixed: int = 0


PurgeStep = Callable[[bool, datetime.datetime, Progress], PurgeResult]
CheckStep = Callable[[bool, bool, Progress], CheckResult]
RerunStep = Callable[[bool, Progress], PurgeResult]


@dataclass(frozen=True)
class _Registered:
    name: str
    order: int
    step: Callable


_purges: dict[str, _Registered] = {}
_checks: dict[str, _Registered] = {}
_reruns: dict[str, _Registered] = {}
_file_sources: dict[str, FileSource] = {}


def register_purge(name: str, step: PurgeStep, *, order: int = 100) -> None:
    """Add a purge step (run by ascending ``order``, then name); registering a name again replaces it."""
    _purges[name] = _Registered(name, order, step)


def register_check(name: str, step: CheckStep, *, order: int = 100) -> None:
    _checks[name] = _Registered(name, order, step)


def register_rerun(name: str, step: RerunStep) -> None:
    _reruns[name] = _Registered(name, 100, step)


def purge_steps() -> list[_Registered]:
    return sorted(_purges.values(), key=lambda r: (r.order, r.name))


def check_steps() -> list[_Registered]:
    return sorted(_checks.values(), key=lambda r: (r.order, r.name))


def rerun_steps() -> list[_Registered]:
    return sorted(_reruns.values(), key=lambda r: r.name)


def purge_run(*, dry_run: bool = False, only: list[str] | None = None, progress: Progress | None = None, now=None):
    """Run the purge steps; returns ``{name: PurgeResult}``. What the command and the beat's task call."""
    progress = progress or Progress()
    now = now or timezone.now()
    results: dict[str, PurgeResult] = {}
    for registered in purge_steps():
        if only and registered.name not in only:
            continue
        try:
            results[registered.name] = registered.step(dry_run, now, progress)
        except Exception as error:  # one broken step must not stop the others
            results[registered.name] = PurgeResult(problems=[f"{type(error).__name__}: {error}"])
    return results


def check_run(
    *, deep: bool = False, fix: bool = False, only: list[str] | None = None, progress: Progress | None = None
):
    progress = progress or Progress()
    results: dict[str, CheckResult] = {}
    for registered in check_steps():
        if only and registered.name not in only:
            continue
        try:
            results[registered.name] = registered.step(deep, fix, progress)
        except Exception as error:
            results[registered.name] = CheckResult(problems=[f"{type(error).__name__}: {error}"])
    return results


def batched(iterable: Iterable, size: int = BATCH) -> Iterator[list]:
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# Staff digest ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestItem:
    """One line of the digest: what waits, and where staff deal with it (an absolute URL, or "")."""

    text: str
    url: str = ""


@dataclass
class DigestSection:
    """What one feature asks staff to look at today. ``total`` may exceed the items shown (at most
    ``DIGEST_ITEMS`` each); ``more_url`` lists them all."""

    title: str
    items: list[DigestItem]
    total: int | None = None
    more_url: str = ""

    def __post_init__(self) -> None:
        if self.total is None:
            self.total = len(self.items)


#: At most this many lines per section: the digest is a reminder, its links lead to the full lists.
DIGEST_ITEMS = 20
DigestStep = Callable[[datetime.datetime], "DigestSection | None"]
_digests: dict[str, _Registered] = {}


def register_digest(name: str, step: DigestStep, *, order: int = 100) -> None:
    """Add a section to the daily staff digest: ``step(now)`` returns a ``DigestSection`` (its text in
    the active language, the recipient's), or ``None`` when there is nothing to report today."""
    _digests[name] = _Registered(name, order, step)


def digest_steps() -> list[_Registered]:
    return sorted(_digests.values(), key=lambda r: (r.order, r.name))


def digest_sections(*, now: datetime.datetime) -> list[DigestSection]:
    """Today's sections with something to report (a broken one is reported as such, not hidden)."""
    sections: list[DigestSection] = []
    for registered in digest_steps():
        try:
            section = registered.step(now)
        except Exception as error:
            section = DigestSection(title=registered.name, items=[DigestItem(f"{type(error).__name__}: {error}")])
        if section is not None and section.total:
            section.items = section.items[:DIGEST_ITEMS]
            sections.append(section)
    return sections


# Stored files --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredReference:
    """One file the database says is stored: its name, and the size and SHA-256 it recorded (or None)."""

    name: str
    label: str
    size: int | None = None
    sha256: str | None = None


class FileSource:
    """Where the database keeps the names of the stored objects under one storage prefix."""

    prefix: str
    storage: Storage = default_storage

    def references(self) -> Iterator[StoredReference]:
        """Every stored file the rows name (streamed)."""
        raise NotImplementedError

    def referenced(self, names: list[str]) -> set[str]:
        """The ones of ``names`` (a batch found in storage) that a row names."""
        raise NotImplementedError


@dataclass
class ModelFiles(FileSource):
    """A ``FileField`` of a model; ``size_field``/``sha256_field`` name the columns that record them."""

    model: str
    field: str
    prefix: str
    size_field: str | None = None
    sha256_field: str | None = None

    def _queryset(self):
        model = apps.get_model(self.model)
        return model._default_manager.exclude(**{f"{self.field}__isnull": True}).exclude(**{self.field: ""})

    @property
    def storage(self) -> Storage:  # type: ignore[override]
        return apps.get_model(self.model)._meta.get_field(self.field).storage

    def references(self) -> Iterator[StoredReference]:
        columns = ["pk", self.field]
        if self.size_field:
            columns.append(self.size_field)
        if self.sha256_field:
            columns.append(self.sha256_field)
        for row in self._queryset().values(*columns).order_by("pk").iterator(chunk_size=2000):
            yield StoredReference(
                name=row[self.field],
                label=f"{self.model}#{row['pk']}.{self.field}",
                size=row.get(self.size_field) if self.size_field else None,
                sha256=(row.get(self.sha256_field) or None) if self.sha256_field else None,
            )

    def referenced(self, names: list[str]) -> set[str]:
        return set(self._queryset().filter(**{f"{self.field}__in": names}).values_list(self.field, flat=True))


def register_files(source: FileSource) -> None:
    """Declare that the objects under ``source.prefix`` belong to rows: checked, and orphans found."""
    _file_sources[f"{source.prefix}|{getattr(source, 'model', '')}|{getattr(source, 'field', '')}"] = source


def file_sources() -> list[FileSource]:
    return list(_file_sources.values())


def storage_walk(storage: Storage, prefix: str) -> Iterator[str]:
    """Every object name under ``prefix`` (a folder path ending with "/"), streamed: on S3 the bucket's
    listing is read page by page (1,000 keys at a time), elsewhere one directory listing at a time."""
    bucket = getattr(storage, "bucket", None)
    if bucket is not None and hasattr(bucket, "objects"):  # django-storages' S3Storage
        location = (getattr(storage, "location", "") or "").strip("/")
        key_prefix = f"{location}/{prefix}" if location else prefix
        for item in bucket.objects.filter(Prefix=key_prefix):
            if not item.key.endswith("/"):
                yield item.key[len(location) + 1 :] if location else item.key
        return
    pending = [prefix.rstrip("/")]
    while pending:
        folder = pending.pop()
        try:
            directories, files = storage.listdir(folder)
        except FileNotFoundError:
            continue
        for name in sorted(files):
            yield f"{folder}/{name}" if folder else name
        pending.extend(f"{folder}/{d}" if folder else d for d in sorted(directories, reverse=True))


def _prefixes() -> dict[str, list[FileSource]]:
    by_prefix: dict[str, list[FileSource]] = {}
    for source in file_sources():
        by_prefix.setdefault(source.prefix, []).append(source)
    return by_prefix


def orphans(progress: Progress | None = None) -> Iterator[tuple[Storage, str]]:
    """Objects under the registered prefixes that no row names, found batch by batch (flat memory)."""
    progress = progress or Progress()
    for prefix, sources in sorted(_prefixes().items()):
        storage = sources[0].storage
        progress.start(f"orphans under {prefix}")
        for batch in batched(storage_walk(storage, prefix), BATCH):
            known: set[str] = set()
            for source in sources:
                known |= source.referenced(batch)
            progress.advance(len(batch))
            for name in batch:
                if name not in known:
                    yield storage, name


def sha256_of_stored(storage: Storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _stored_size(storage: Storage, name: str) -> int | None:
    try:
        return storage.size(name)
    except Exception:  # FileNotFoundError locally; botocore's ClientError (404) on S3
        return None


def _stat(storage: Storage, name: str) -> tuple[datetime.datetime, int] | None:
    """(modified, size) of a stored object, or None when it is gone."""
    try:
        return storage.get_modified_time(name), storage.size(name)
    except Exception:
        return None


def files_check(deep: bool, fix: bool, progress: Progress) -> CheckResult:
    """Every referenced file is stored with its recorded size (and SHA-256 with ``deep``); no orphan
    lies under a registered prefix (``fix`` removes them)."""
    result = CheckResult()
    for source in file_sources():
        storage = source.storage
        label = f"{source.model}.{source.field}" if isinstance(source, ModelFiles) else source.prefix
        progress.start(f"files of {label}")
        for reference in source.references():
            progress.advance()
            size = _stored_size(storage, reference.name)
            if size is None:
                result.problems.append(f"missing file: {reference.name} ({reference.label})")
                continue
            if reference.size is not None and size != reference.size:
                result.problems.append(
                    f"size differs: {reference.name} ({reference.label}): stored {size}, recorded {reference.size}"
                )
                continue
            if deep and reference.sha256 and sha256_of_stored(storage, reference.name) != reference.sha256:
                result.problems.append(f"SHA-256 differs: {reference.name} ({reference.label})")
    for storage, name in orphans(progress):
        if fix:
            storage.delete(name)
            result.fixed += 1
        else:
            result.problems.append(f"orphan file: {name}")
    return result


def orphans_purge(dry_run: bool, now: datetime.datetime, progress: Progress) -> PurgeResult:
    """Objects no row names and older than ``PURGE_ORPHAN_HOURS``: a web node killed during an upload,
    a transaction rolled back after its file was stored. The grace period keeps an upload whose row is
    still being written."""
    result = PurgeResult()
    cutoff = now - timedelta(hours=settings.PURGE_ORPHAN_HOURS)
    for storage, name in orphans(progress):
        stat = _stat(storage, name)
        if stat is None or stat[0] > cutoff:  # gone meanwhile, or maybe still being written
            continue
        size = stat[1]
        if not dry_run:
            storage.delete(name)
        result.count += 1
        result.bytes += size
    return result


def older_objects_purge(*, prefix: str, keep: timedelta | Callable[[], timedelta], storage: Storage = default_storage):
    """A purge step removing every object under ``prefix`` older than ``keep`` (files nothing references
    by design, such as a document rendered for one e-mail). ``keep`` may be a callable, read at each run."""

    def step(dry_run: bool, now: datetime.datetime, progress: Progress) -> PurgeResult:
        result = PurgeResult()
        cutoff = now - (keep() if callable(keep) else keep)
        progress.start(f"old objects under {prefix}")
        for name in storage_walk(storage, prefix):
            progress.advance()
            stat = _stat(storage, name)
            if stat is None or stat[0] > cutoff:
                continue
            size = stat[1]
            if not dry_run:
                storage.delete(name)
            result.count += 1
            result.bytes += size
        return result

    return step


# The kernel's own steps ----------------------------------------------------------------------------------------


def _job_model():
    return apps.get_model("portal", "BackgroundJob")


def jobs_mark_stale(*, now: datetime.datetime, dry_run: bool = False) -> int:
    """Jobs "running" with no sign of life for ``JOBS_STALE_MINUTES`` end as failed: their worker died.
    The kernel's job runner decides what a sign of life is (``portal.jobs.jobs_sweep_stale``)."""
    from .jobs import jobs_sweep_stale

    return len(jobs_sweep_stale(dry_run=dry_run))


def jobs_purge(dry_run: bool, now: datetime.datetime, progress: Progress) -> PurgeResult:
    """Finished jobs older than ``JOBS_KEEP_DAYS`` go, with their result file; stale running jobs end failed."""
    from .models import JobStatus

    result = PurgeResult()
    result.count += jobs_mark_stale(now=now, dry_run=dry_run)
    model = _job_model()
    old = model.objects.filter(
        status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED],
        finished_at__lt=now - timedelta(days=settings.JOBS_KEEP_DAYS),
    )
    progress.start("finished background jobs", old.count())
    storage = model._meta.get_field("result_file").storage
    for batch in batched(old.values_list("pk", "result_file").order_by("pk").iterator(chunk_size=2000), BATCH):
        progress.advance(len(batch))
        result.count += len(batch)
        for _pk, name in batch:
            if name:
                size = _stored_size(storage, name)
                result.bytes += size or 0
                if not dry_run and size is not None:
                    storage.delete(name)
        if not dry_run:
            with transaction.atomic():
                model.objects.filter(pk__in=[pk for pk, _name in batch]).delete()
    return result


def sessions_purge(dry_run: bool, now: datetime.datetime, progress: Progress) -> PurgeResult:
    """Expired sessions (Django's database sessions; what ``clearsessions`` does, counted and in batches)."""
    from django.contrib.sessions.models import Session

    result = PurgeResult()
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return result
    expired = Session.objects.filter(expire_date__lt=now)
    progress.start("expired sessions", expired.count())
    for batch in batched(expired.values_list("pk", flat=True).iterator(chunk_size=2000), BATCH):
        progress.advance(len(batch))
        result.count += len(batch)
        if not dry_run:
            Session.objects.filter(pk__in=batch).delete()
    return result


def numbering_problems(deep: bool, fix: bool, progress: Progress) -> CheckResult:
    from .numbering import numbering_check

    result = CheckResult()
    progress.start("number sequences")
    for report in numbering_check():
        progress.advance()
        result.problems.extend(f"{report.sequence.name}: {problem}" for problem in report.problems)
    return result


def register_kernel() -> None:
    """The kernel's own upkeep (called from ``PortalConfig.ready``)."""
    register_files(ModelFiles("portal.BackgroundJob", "result_file", prefix="jobs/"))
    register_check("files", files_check, order=10)
    register_check("numbering", numbering_problems, order=20)
    register_purge("portal.sessions", sessions_purge, order=700)
    register_purge("portal.background_jobs", jobs_purge, order=800)
    register_purge("portal.orphan_files", orphans_purge, order=900)


__all__ = [
    "CheckResult",
    "DigestItem",
    "DigestSection",
    "FileSource",
    "ModelFiles",
    "Progress",
    "PurgeResult",
    "StoredReference",
    "register_check",
    "register_digest",
    "register_files",
    "register_purge",
    "register_rerun",
]


class TextProgress(Progress):
    """A small progress bar on a stream (the commands' stderr), redrawn at most five times a second."""

    def __init__(self, stream, *, width: int = 30, enabled: bool = True) -> None:
        self.stream = stream
        self.width = width
        self.enabled = enabled
        # Redrawn in place on a terminal; a log file (cron, the beat) gets one line per step instead.
        self.interactive = bool(getattr(stream, "isatty", lambda: False)())
        self.label = ""
        self.total: int | None = None
        self.done = 0
        self._drawn_at = 0.0
        self._open = False
        self._text = ""

    def start(self, label: str, total: int | None = None) -> None:
        self.finish()
        self.label, self.total, self.done = label, total, 0
        self._draw(force=True)

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._draw()

    def _draw(self, force: bool = False) -> None:
        import time

        if not self.enabled or not self.label:
            return
        now = time.monotonic()
        if not force and (not self.interactive or now - self._drawn_at < 0.2):
            return
        self._drawn_at = now
        if self.total:
            share = min(1.0, self.done / self.total)
            filled = int(share * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            text = f"{self.label}: [{bar}] {self.done}/{self.total} {int(share * 100)}%"
        else:
            text = f"{self.label}: {self.done}"
        if self.interactive:
            self.stream.write(f"\r{text}")
            self.stream.flush()
        self._text = text
        self._open = True

    def finish(self) -> None:
        if self._open:
            self._draw(force=True)
            self.stream.write(("\r" if self.interactive else "") + self._text + "\n")
            self.stream.flush()
            self._open = False
