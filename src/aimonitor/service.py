"""Wiring: builds every component of the service from settings, starts the
background parts and stops them in order. The HTTP layer only talks to `Service`."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from aimonitor import __version__
from aimonitor.analysis import Analyzer, Redactor
from aimonitor.analysis.config import load_defaults
from aimonitor.analysis.risk import RiskClassifier
from aimonitor.backends import ModelBackend, build_backend
from aimonitor.backends.upstreams import build_registry
from aimonitor.clients.store import ClientKeyStore
from aimonitor.clients.verifier import KeyVerifier
from aimonitor.config import ConfigError, Settings
from aimonitor.conversations import ConversationTracker
from aimonitor.guardrails import (
    GuardrailConfig,
    GuardrailEngine,
    GuardrailError,
    RateLimiter,
    default_configs,
    sqlite_limits,
    validate_update,
)
from aimonitor.guardrails.config import AttackPolicy
from aimonitor.keys import load_or_create_secret
from aimonitor.pipeline import BackendCall, Pipeline
from aimonitor.pipeline.metering import Meter
from aimonitor.pipeline.stages.history import HistoryStage
from aimonitor.pipeline.stages.input_analysis import InputAnalysisStage
from aimonitor.pipeline.stages.input_guardrails import InputGuardrailStage
from aimonitor.pipeline.stages.length import LengthStage
from aimonitor.pipeline.stages.model import ModelStage
from aimonitor.pipeline.stages.output_guardrails import OutputGuardrailStage
from aimonitor.pipeline.stages.rate_limit import RateLimitStage
from aimonitor.pipeline.stages.record import RecordStage
from aimonitor.pipeline.stages.signals import SignalsStage
from aimonitor.pipeline.state import RecentRequests
from aimonitor.pipeline.storage_policy import TextPolicy
from aimonitor.rolling import RollingMean
from aimonitor.signals import (
    DriftDetector,
    HashingEmbedder,
    PriceTable,
    SloTracker,
)
from aimonitor.signals.embedding import Embedder, make_embedder
from aimonitor.store import (
    AsyncWriter,
    AuditWriter,
    ConfigChangeRecord,
    FeedbackRecord,
    open_store,
)
from aimonitor.store import Store as StoreProtocol
from aimonitor.store.engine import make_engine
from aimonitor.store.journal import JOURNAL_DIR
from aimonitor.telemetry.logging import (
    RequestLogger,
    configure_logging,
    dropped_log_records,
    shutdown_logging,
)
from aimonitor.telemetry.metrics import FEEDBACK_CATEGORIES, Metrics
from aimonitor.telemetry.tracing import Tracing

log = logging.getLogger("aimonitor.service")

DRIFT_REFERENCE_FILE = "drift_reference.npz"
GUARDRAIL_SYNC_INTERVAL_S = 1.0


def build_writer(settings: Settings, store: StoreProtocol, observer: Meter) -> AuditWriter:
    """This process's audit writer (each server process has its own)."""
    return AsyncWriter(
        store,
        journal_dir=settings.data_dir / JOURNAL_DIR,
        batch_size=settings.write_batch_size,
        flush_interval_s=settings.write_flush_interval_s,
        observer=observer,
        fsync_interval_ms=settings.journal_fsync_interval_ms,
    )


def load_attack_policy(path: Path) -> AttackPolicy:
    try:
        return AttackPolicy.from_dict(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except (OSError, yaml.YAMLError, GuardrailError) as exc:
        raise ConfigError(f"invalid configuration: AIMONITOR_ATTACK_POLICY_FILE: {exc}") from None


def _analyzer(settings: Settings) -> Analyzer:
    """The detectors; with AIMONITOR_ATTACK_HEAVY, the attack detector's heavy tier too,
    which needs the extra `ml`: refused at start-up without it."""
    if not settings.attack_heavy:
        return Analyzer.default()
    try:
        return Analyzer(replace(load_defaults(), attack_heavy=True))
    except RuntimeError as exc:
        raise ConfigError(f"invalid configuration: AIMONITOR_ATTACK_HEAVY: {exc}") from None


def limiter_storage(settings: Settings) -> str:
    """Several worker processes share their limits and budgets through a file when no
    shared storage (Redis) is configured: in memory, each would count alone."""
    if settings.workers > 1 and settings.rate_limit_storage.startswith("memory://"):
        return f"{sqlite_limits.SCHEME}://{(settings.data_dir / 'ratelimit.db').resolve()}"
    return settings.rate_limit_storage


@dataclass(frozen=True, slots=True)
class FeedbackOutcome:
    found: bool
    scenario: str | None = None


class Service:
    """Every component of one running aimonitor, built from settings.

    Tests may inject a backend, a store or a metrics registry; everything else is
    built here the same way in tests as in production.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        backend: ModelBackend | None = None,
        store: StoreProtocol | None = None,
        metrics: Metrics | None = None,
        tracing: Tracing | None = None,
    ) -> None:
        self.settings = settings
        # What can be refused is checked before anything is written to disk.
        try:
            self.risk_classifier = RiskClassifier(settings.ai_act_use_case)
        except ValueError as exc:
            raise ConfigError(f"invalid configuration: AIMONITOR_AI_ACT_USE_CASE: {exc}") from None
        self.analyzer = _analyzer(settings)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        configure_logging(settings)
        self.metrics = metrics or Metrics(latency_threshold_s=settings.slo_latency_threshold_s)
        self.secret = load_or_create_secret(settings.data_dir)
        self.store: StoreProtocol = store or open_store(
            settings.resolved_database_url,
            settings.data_dir,
            settings.slo_thresholds,
        )
        self.meter = Meter(self.metrics, settings.slo_quality_threshold)
        self.meter.built(__version__, settings.backend)
        self.writer = build_writer(settings, self.store, self.meter)
        self.backend = backend or build_backend(settings)
        self.upstreams = build_registry(settings)
        # Client keys live in the store's database (a wrapped store: the configured one).
        engine = getattr(self.store, "engine", None) or make_engine(settings.resolved_database_url)
        self.client_keys = KeyVerifier(
            ClientKeyStore(engine), refresh_s=settings.client_keys_refresh_s
        )
        self.tracing = tracing or Tracing.from_settings(settings)
        self.redactor = Redactor(mode=settings.redaction_mode, secret=self.secret)
        configs = default_configs(settings.max_prompt_chars, settings.rate_limit_per_minute)
        configs.update(self._persisted_configs(configs))
        self.engine = GuardrailEngine(configs)
        if settings.attack_policy_file is not None:
            self.engine.set_attack_policy(load_attack_policy(settings.attack_policy_file))
        self.limiter = RateLimiter(
            storage_uri=limiter_storage(settings),
            per_minute=int(configs["rate_limiter"].threshold),
        )
        # Quality scales are tuned for the hashing embedder; drift may use MiniLM.
        self.embedder = HashingEmbedder()
        self.drift = self._drift_detector(settings, self.embedder)
        self.prices = PriceTable.load(settings.prices_file)
        self.meter.models_served(
            sorted(
                {(m.provider, self.prices.canonical_model(m.id)) for m in self.upstreams.models()}
            )
        )
        if settings.daily_budget_eur is not None:
            self.meter.budget_configured(settings.daily_budget_eur)
        self.slo = SloTracker(
            latency_threshold_s=settings.slo_latency_threshold_s,
            quality_threshold=settings.slo_quality_threshold,
        )
        self.conversations = ConversationTracker()
        self.request_logger = RequestLogger(
            logging.getLogger("aimonitor.requests"), log_text=settings.log_text
        )
        self.satisfaction = RollingMean(500)  # recent ratings scaled to 0..1
        self.recent_requests = RecentRequests()
        # What may be stored of a text: the stages and the streamed answers share it.
        self.text_policy = TextPolicy(settings.audit_store_text, self.redactor, self.analyzer)
        self.pipeline = self._build_pipeline()
        self.embeddings_pipeline = Pipeline(
            before_model=self.pipeline.before_model[:4],  # no history for embeddings
            model=self.pipeline.model,
            after_model=[],
            after_stream=[],
            record=self.pipeline.record,
            tracing=self.tracing,
            meter=self.meter,
        )
        self._sync_guardrail_gauges()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._started = False

    def _build_pipeline(self) -> Pipeline:
        settings = self.settings
        text_policy = self.text_policy
        return Pipeline(
            before_model=[
                RateLimitStage(self.engine, self.limiter),
                LengthStage(self.engine, settings.max_prompt_chars),
                InputAnalysisStage(self.analyzer, self.risk_classifier),
                InputGuardrailStage(self.engine, self.analyzer, self.redactor, text_policy),
                HistoryStage(self.store, self.writer, text_policy),
            ],
            model=ModelStage(BackendCall(self.backend), self.prices),
            after_model=[
                OutputGuardrailStage(self.engine, self.analyzer, self.redactor, text_policy),
                self._signals_stage(),
            ],
            after_stream=[self._signals_stage()],
            record=RecordStage(
                self.writer, self.meter, self.request_logger, self.limiter,
                settings.daily_budget_eur, self.slo,
                self.conversations, self.recent_requests,
            ),
            tracing=self.tracing,
            meter=self.meter,
        )  # fmt: skip

    def _signals_stage(self) -> SignalsStage:
        return SignalsStage(
            self.redactor,
            self.embedder,
            self.drift,
            self.satisfaction,
            audit_healthy=lambda: self.meter.store_healthy,
            transparency_notice=self.settings.transparency_notice or None,
        )

    @staticmethod
    def _drift_detector(settings: Settings, hashing: Embedder) -> DriftDetector:
        try:
            # The hashing embedder is stateless: one instance serves quality and drift.
            embedder = (
                hashing
                if settings.drift_embedder == "hashing"
                else make_embedder(settings.drift_embedder)
            )
        except (ImportError, OSError, ValueError) as exc:
            raise ConfigError(f"invalid configuration: AIMONITOR_DRIFT_EMBEDDER: {exc}") from None
        reference = settings.data_dir / DRIFT_REFERENCE_FILE
        if reference.exists():
            try:
                return DriftDetector.load_reference(
                    reference, embedder=embedder, window_size=settings.drift_window_size
                )
            except (ValueError, OSError, KeyError) as exc:
                raise ConfigError(
                    f"drift reference {reference} cannot be used (rebuild it with "
                    f"`aimonitor drift set-reference`): {exc}"
                ) from None
        return DriftDetector(
            embedder=embedder,
            reference_size=settings.drift_reference_size,
            window_size=settings.drift_window_size,
        )

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        if self._started:
            return
        self._started = True
        self.writer.start()
        self.meter.store_up(self.store.health())
        loops = [self._guardrail_sync_loop]
        if self.settings.retention_days > 0:
            loops.append(self._retention_loop)
        for loop in loops:
            thread = threading.Thread(target=loop, name=f"aimonitor{loop.__name__}", daemon=True)
            thread.start()
            self._threads.append(thread)
        if not self.client_keys.has_keys:
            log.warning(
                "no client keys: the OpenAI-compatible gateway serves loopback clients only "
                "(create keys with `aimonitor keys create`)"
            )
        log.info(
            "service started",
            extra={"backend": self.backend.name, "database": _safe_url(self.settings)},
        )

    async def stop(self) -> None:
        self._stopping.set()
        # Drain accepted records first: nothing accepted may be lost on SIGTERM.
        self.writer.stop(timeout_s=30.0)
        await self.backend.aclose()
        await self.upstreams.aclose()
        self.limiter.close()
        self.tracing.shutdown()
        self.store.close()
        log.info("service stopped")
        shutdown_logging()
        self._started = False

    def _retention_loop(self) -> None:
        while not self._stopping.is_set():
            self.purge_expired()
            self._stopping.wait(3600)

    def _guardrail_sync_loop(self) -> None:
        # A change made through one worker (or replica) reaches the others from the store.
        while not self._stopping.wait(GUARDRAIL_SYNC_INTERVAL_S):
            self.refresh_guardrails()

    def refresh_guardrails(self) -> None:
        """Apply the guardrail settings stored by another process, if any changed."""
        current = self.engine.configs()
        changed = False
        for name, config in self._persisted_configs(current).items():
            if current.get(name) != config:
                self.engine.update(config)
                if name == "rate_limiter":
                    self.limiter.set_limit(int(config.threshold))
                changed = True
        if changed:
            self._sync_guardrail_gauges()

    def purge_expired(self) -> int:
        """Erase texts older than AIMONITOR_RETENTION_DAYS (digests stay)."""
        if self.settings.retention_days <= 0:
            return 0
        cutoff = datetime.now(UTC) - timedelta(days=self.settings.retention_days)
        try:
            self.writer.flush()
            purged = self.store.purge_content_before(cutoff)
        except Exception:  # the store may be down; the next pass retries
            log.exception("retention purge failed")
            self.meter.on_write_failure()
            return 0
        if purged:
            self.meter.retention_purged()
        return purged

    def sync_scrape_metrics(self) -> None:
        """At scrape: carry failure counts kept by components into their counters, and
        compute the burn-rate gauges over the windows ending now (a request would
        recompute them for nothing between scrapes, and they must move with time even
        when no request comes)."""
        self.meter.burn_rates(self.slo.burn_rates(time.monotonic()))
        self.meter.conversations_active(self.conversations.active_count())
        self.meter.failures_seen(
            otlp=self.tracing.export_failures,
            rate_limit_storage=self.limiter.storage_errors,
            log_records=dropped_log_records(),
        )

    # ------------------------------------------------------------------ guardrails
    def _persisted_configs(
        self, defaults: dict[str, GuardrailConfig]
    ) -> dict[str, GuardrailConfig]:
        loaded: dict[str, GuardrailConfig] = {}
        try:
            stored = self.store.load_guardrail_configs()
        except Exception:
            log.exception("could not load guardrail configuration; using defaults")
            return loaded
        for name, data in stored.items():
            try:
                loaded[name] = validate_update(
                    defaults.get(name),
                    name,
                    data.get("enabled"),
                    data.get("threshold"),
                    data.get("action"),
                )
            except ValueError:
                log.warning("ignoring invalid stored configuration", extra={"guardrail": name})
        return loaded

    def _sync_guardrail_gauges(self) -> None:
        self.meter.guardrails_configured(
            {name: config.enabled for name, config in self.engine.configs().items()}
        )

    def update_guardrail(
        self,
        name: str,
        enabled: bool | None,
        threshold: float | None,
        action: str | None,
        actor: str,
    ) -> GuardrailConfig:
        """Validate, apply at once, persist, and audit a guardrail change."""
        before = self.engine.configs().get(name)
        updated = validate_update(before, name, enabled, threshold, action)
        self.engine.update(updated)
        if name == "rate_limiter":
            self.limiter.set_limit(int(updated.threshold))
        self.store.save_guardrail_config(name, updated.to_dict())
        self.writer.submit(
            ConfigChangeRecord(
                event_id=_uuid(),
                created_at=datetime.now(UTC),
                actor=actor,
                guardrail=name,
                before=before.to_dict() if before else {},
                after=updated.to_dict(),
            )
        )
        self.meter.guardrail_changed(name)
        self._sync_guardrail_gauges()
        return updated

    # ------------------------------------------------------------------ feedback
    def lookup_scenario(self, request_id: str) -> str | None:
        scenario = self.recent_requests.get(request_id)
        if scenario is not None:
            return scenario
        self.writer.flush()
        record = self.store.get_request(request_id)
        return record.scenario if record else None

    def _storable_comment(self, comment: str | None) -> str | None:
        """A feedback comment follows the same rule as prompts (AIMONITOR_AUDIT_STORE_TEXT)."""
        mode = self.settings.audit_store_text
        if comment is None or mode == "full":
            return comment
        if mode == "none":
            return None
        findings = self.analyzer.scan_pii(comment)
        return self.redactor.redact(comment, findings) if findings else comment

    def record_feedback(
        self, request_id: str, rating: int, comment: str | None, category: str | None
    ) -> FeedbackOutcome:
        scenario = self.lookup_scenario(request_id)
        if scenario is None:
            return FeedbackOutcome(found=False)
        # A free-text category could carry anything: only the closed set is kept.
        label = _feedback_category(category)
        self.writer.submit(
            FeedbackRecord(
                request_id=request_id,
                rating=rating,
                comment=self._storable_comment(comment),
                category=label,
                created_at=datetime.now(UTC),
            )
        )
        satisfaction = self.satisfaction.add((rating - 1) / 4.0)
        self.meter.feedback(rating, label, scenario, satisfaction)
        self.slo.record_feedback(rating)
        return FeedbackOutcome(found=True, scenario=scenario)


def _feedback_category(category: str | None) -> str:
    if not category:
        return "none"
    normalised = category.strip().lower()
    return normalised if normalised in FEEDBACK_CATEGORIES else "other"


def _uuid() -> str:
    import uuid

    return str(uuid.uuid4())


def _safe_url(settings: Settings) -> str:
    url = settings.resolved_database_url
    if "@" in url:  # hide credentials
        scheme, _, rest = url.partition("://")
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url
