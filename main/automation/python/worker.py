#!/usr/bin/env python3
"""Kinexus Desktop's Nova Act worker: one process runs one Nova Act session.

The SDK prints its logs to stdout (and Python to stderr), so the protocol
never shares those: the parent writes commands to fd 3 and reads this
worker's messages from fd 4, one JSON object per line.

  parent -> worker  start, act, cancel, shutdown
  worker -> parent  hello, started, result, error, heartbeat, cancelled, bye

The API key arrives only in the NOVA_ACT_API_KEY environment variable; it is
never part of a message. When the parent goes away (fd 3 reaches end of
file), the worker ends the browser it was given and exits, so nothing it
drove outlives the app. Its one argument, the run folder, only labels the
process (so a crash sweep can tell it from others).
"""
from __future__ import annotations

import inspect
import json
import os
import platform
import queue
import signal
import sys
import threading
import time
import traceback
from urllib.parse import urlparse

PROTOCOL = 1
CMD_FD = 3
OUT_FD = 4
HEARTBEAT_S = float(os.environ.get("KINEXUS_WORKER_HEARTBEAT_S", "2"))

# The SDK's exception classes, most specific first, and what the app makes of
# them: (class name, error code, retryable). An exception maps by the first
# class of its MRO found here, so subclasses the SDK adds later still land on
# their parent's code.
ERROR_CODES = [
    ("AuthError", "auth", False),
    ("IAMAuthError", "auth", False),
    ("ActNotAuthorizedError", "auth", False),
    ("ActStateGuardrailError", "permission", False),
    ("ActGuardrailsError", "permission", False),
    ("ActRateLimitExceededError", "rate_limited", True),
    ("ActTimeoutError", "config", True),
    ("ActExceededMaxStepsError", "config", False),
    ("ActInvalidModelGenerationError", "config", True),
    ("ActAgentFailed", "config", False),
    ("ActAgentError", "config", False),
    ("ActCanceledError", "cancelled", False),
    ("ActActuationError", "internal", True),
    ("ActExecutionError", "internal", True),
    ("ActServerError", "server", True),
    ("ActClientError", "config", False),
    ("ActError", "internal", True),
    ("StartFailed", "network", True),
    ("ValidationFailed", "invalid_input", False),
    ("NovaActError", "internal", True),
    ("ImportError", "config", False),
]


def classify(exc: BaseException) -> dict:
    """The protocol's error body for an exception: class, code, retryable, message."""
    mro = [c.__name__ for c in type(exc).__mro__]
    code, retryable = "internal", False
    for name, c, r in ERROR_CODES:
        if name in mro:
            code, retryable = c, r
            break
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    cause = exc.__cause__
    if cause is not None and type(exc).__name__ == "StartFailed":
        message = f"{message or 'start failed'}: {type(cause).__name__}: {cause}" if str(cause) not in message else message
    return {"errorClass": type(exc).__name__, "mro": mro[:8], "code": code, "retryable": retryable, "message": str(message)[:1000]}


def host_allowed(host: str, patterns: list[str]) -> bool:
    """The rule shared/automation.ts hostAllowed() applies: "a.com" covers its subdomains; "*.a.com" only those."""
    h = host.lower()
    return any(h.endswith(p[1:]) if p.startswith("*.") else (h == p or h.endswith("." + p)) for p in patterns)


class Channel:
    """JSON lines over the two protocol pipes; writes from any thread."""

    def __init__(self) -> None:
        self._out = os.fdopen(OUT_FD, "wb", buffering=0)
        self._in = os.fdopen(CMD_FD, "rb")
        self._lock = threading.Lock()
        self.on_broken = lambda: os._exit(0)

    def send(self, msg: dict) -> None:
        data = (json.dumps(msg, default=str) + "\n").encode()
        with self._lock:
            try:
                self._out.write(data)
            except OSError:
                self.on_broken()  # the parent is gone; nothing to report to

    def commands(self):
        for line in self._in:
            line = line.strip()
            if line:
                yield json.loads(line)


class Worker:
    def __init__(self, channel: Channel) -> None:
        self.ch = channel
        self.queue: "queue.Queue[dict | None]" = queue.Queue()
        self.nova = None
        self.browser_pid: int | None = None
        self.logs_dir: str | None = None

    # -- threads -----------------------------------------------------------
    def read_commands(self) -> None:
        """Cancel acts at once (the SDK call on the main thread cannot be interrupted); the rest queue up."""
        try:
            for cmd in self.ch.commands():
                if cmd.get("type") == "cancel":
                    self.ch.send({"type": "cancelled"})
                    os._exit(130)
                self.queue.put(cmd)
        except Exception:  # a torn pipe is the same as end of file
            pass
        self.parent_gone()

    def parent_gone(self) -> None:
        if self.browser_pid:
            try:
                os.killpg(self.browser_pid, signal.SIGKILL)
            except OSError:
                pass
        os._exit(0)

    def heartbeat(self) -> None:
        while True:
            time.sleep(HEARTBEAT_S)
            self.ch.send({"type": "heartbeat", "at": time.time()})

    # -- commands ----------------------------------------------------------
    def run(self) -> None:
        while True:
            cmd = self.queue.get()
            kind = cmd.get("type")
            if kind == "start":
                self.start(cmd)
            elif kind == "act":
                self.act(cmd)
            elif kind == "shutdown":
                self.shutdown()
                return
            else:
                self.ch.send({"type": "error", "index": None, "phase": "protocol", "errorClass": "ProtocolError", "mro": [], "code": "internal", "retryable": False, "message": f"unknown command {kind!r}"})

    def start(self, cmd: dict) -> None:
        from nova_act import NovaAct

        self.browser_pid = cmd.get("browserPid")
        self.logs_dir = cmd["logsDirectory"]
        kwargs = {
            "starting_page": cmd["startUrl"],
            "headless": bool(cmd.get("headless", True)),
            "logs_directory": self.logs_dir,
            "tty": False,
        }
        if cmd.get("cdpEndpointUrl"):
            kwargs["cdp_endpoint_url"] = cmd["cdpEndpointUrl"]
        elif cmd.get("userDataDir"):
            # Only when the SDK launches the browser itself; with a CDP endpoint the profile is the browser's.
            kwargs["user_data_dir"] = cmd["userDataDir"]
            kwargs["clone_user_data_dir"] = False
        guardrail = self.guardrail(cmd.get("allowedDomains") or [])
        if guardrail is not None:
            kwargs["state_guardrail"] = guardrail
        kwargs = accepted(NovaAct.__init__, kwargs)
        try:
            self.nova = NovaAct(**kwargs)
            self.nova.start()
        except BaseException as e:  # noqa: BLE001 - every failure is reported, classified
            self.ch.send({"type": "error", "index": None, "phase": "start", **classify(e)})
            self.print_traceback()
            return
        session = getattr(self.nova, "_session_id", None) or getattr(getattr(self.nova, "_playwright", None), "_session_id", None)
        self.ch.send({"type": "started", "sessionId": session, "guardrail": "state_guardrail" in kwargs})

    def act(self, cmd: dict) -> None:
        index = cmd["index"]
        if self.nova is None:
            self.ch.send({"type": "error", "index": index, "phase": "act", "errorClass": "ClientNotStarted", "mro": [], "code": "internal", "retryable": False, "message": "the session was not started"})
            return
        before = self.files()
        kwargs = {"max_steps": cmd.get("maxSteps", 30), "timeout": cmd.get("timeoutSeconds")}
        schema = cmd.get("schema")
        try:
            if schema is not None:
                act_get = getattr(self.nova, "act_get", None)
                r = act_get(cmd["instruction"], schema=schema, **kwargs) if act_get else self.nova.act(cmd["instruction"], schema=schema, **kwargs)
            else:
                r = self.nova.act(cmd["instruction"], **kwargs)
        except BaseException as e:  # noqa: BLE001
            self.ch.send({"type": "error", "index": index, "phase": "act", **classify(e), "pageUrl": self.page_url(), "files": self.new_files(before)})
            self.print_traceback()
            return
        meta = r.metadata
        msg = {
            "type": "result",
            "index": index,
            "metadata": {
                "sessionId": meta.session_id,
                "actId": meta.act_id,
                "numStepsExecuted": meta.num_steps_executed,
                "startTime": meta.start_time,
                "endTime": meta.end_time,
                "prompt": meta.prompt,
            },
            "pageUrl": self.page_url(),
            "files": self.new_files(before),
        }
        if schema is not None:
            # Only act_get results carry these; reading them off a plain ActResult makes the SDK warn.
            msg.update(response=r.response, parsed=r.parsed_response, validJson=r.valid_json, matchesSchema=r.matches_schema)
        self.ch.send(msg)

    def shutdown(self) -> None:
        if self.nova is not None:
            try:
                self.nova.stop()
            except BaseException:  # noqa: BLE001 - the parent ends the browser anyway
                self.print_traceback()
        self.ch.send({"type": "bye"})

    # -- helpers -----------------------------------------------------------
    def guardrail(self, allowed: list[str]):
        try:
            from nova_act import GuardrailDecision
        except ImportError:
            return None  # an SDK without state guardrails; the parent is told via "guardrail": false

        def check(state) -> "GuardrailDecision":
            url = getattr(state, "browser_url", "") or ""
            if url in ("about:blank", ""):
                return GuardrailDecision.PASS
            host = urlparse(url).hostname or ""
            return GuardrailDecision.PASS if host and host_allowed(host, allowed) else GuardrailDecision.BLOCK

        return check

    def page_url(self) -> str | None:
        try:
            return str(self.nova.page.url) if self.nova is not None else None
        except BaseException:  # noqa: BLE001
            return None

    def files(self) -> set[str]:
        out: set[str] = set()
        if self.logs_dir and os.path.isdir(self.logs_dir):
            for root, _dirs, names in os.walk(self.logs_dir):
                for n in names:
                    out.add(os.path.relpath(os.path.join(root, n), self.logs_dir))
        return out

    def new_files(self, before: set[str]) -> list[str]:
        return sorted(self.files() - before)

    @staticmethod
    def print_traceback() -> None:
        traceback.print_exc(file=sys.stderr)
        sys.stderr.flush()


def accepted(fn, kwargs: dict) -> dict:
    """Drops keywords this SDK version does not take (state_guardrail and tty came later)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return kwargs
    if any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return kwargs
    return {k: v for k, v in kwargs.items() if k in params}


def sdk_versions() -> dict:
    try:
        from importlib.metadata import PackageNotFoundError, metadata, version

        try:
            v = version("nova-act")
            summary = metadata("nova-act").get("Summary", "") or ""
        except PackageNotFoundError:
            import nova_act

            v, summary = getattr(nova_act, "__version__", None), ""
    except Exception:  # noqa: BLE001
        v, summary = None, ""
    import nova_act

    return {"novaAct": v, "standIn": bool(getattr(nova_act, "__stand_in__", False)) or "stand-in" in summary.lower()}


def main() -> None:
    ch = Channel()
    try:
        versions = sdk_versions()
    except BaseException as e:  # noqa: BLE001 - most often: nova-act is not installed here
        ch.send({"type": "hello", "protocol": PROTOCOL, "pid": os.getpid(), "python": platform.python_version(), "novaAct": None, "standIn": False, "error": classify(e)})
        traceback.print_exc(file=sys.stderr)
        sys.exit(3)
    worker = Worker(ch)
    ch.on_broken = worker.parent_gone
    ch.send({"type": "hello", "protocol": PROTOCOL, "pid": os.getpid(), "python": platform.python_version(), **versions, "error": None})
    threading.Thread(target=worker.read_commands, name="commands", daemon=True).start()
    threading.Thread(target=worker.heartbeat, name="heartbeat", daemon=True).start()
    worker.run()
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
