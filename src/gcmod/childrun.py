"""Run a vendor's Pulumi program in a child process (``--project``).

A program given with ``--project`` is input, not a plugin: it runs in a child
process, never in gcmod's own, with a timeout (:data:`DEFAULT_TIMEOUT`), and
its result reaches gcmod only through a channel gcmod's harness writes:

* The child is forked from a clean, single-threaded server process
  (:mod:`multiprocessing`'s ``forkserver``) that has already imported
  ``pulumi`` and ``pulumi_aws``, so a run does not pay for those imports again.
  It starts a session of its own, so the program's own sub-processes are
  ended with it.
* The program's stdout and stderr (file descriptors 1 and 2, so also what
  its sub-processes and C extensions print) go to a private file that gcmod
  relays to its own stderr: nothing the program prints can reach gcmod's
  stdout (``--json``, ``--sarif``) or pass for a result.
* After the program has returned and the mock runtime has drained, gcmod's
  code in the child sends one framed message over a pipe: the resource graph
  and a per-run random nonce the parent made. The parent accepts a graph only
  with that nonce, a complete frame, a graph that parses, and a child that
  then exits with status 0.
* Anything else is a :class:`ProgramFailed` (exit code 4): the child exited
  without delivering (``os._exit``, a crash, a signal), was killed at the
  timeout (the message says where the program was, from a stack dump taken
  just before), or delivered something that is not a graph.

The trust model (docs/projects.md): this stops a program from passing for
clean by exiting, crashing, looping or printing, not a program written to
attack gcmod. The child runs with the user's rights and can read what the
user can, including gcmod's own memory in the child; audit code you do not
trust in a container.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from gcmod.graph import ResourceGraph
from gcmod.synth import RunLog, SynthError

#: Seconds a program may run before it is killed (``--timeout``). Generous: the
#: largest fixture program synthesizes in about 5 s on a loaded CI machine.
DEFAULT_TIMEOUT = 300.0
#: Seconds allowed, on top of the timeout, for the child to start (the fork
#: server's first start imports pulumi and pulumi_aws: about 5 s on a loaded machine).
STARTUP = 120.0
#: Largest message the child may deliver (bytes).
MAX_MESSAGE = 512 * 1024 * 1024
#: Most output relayed from the program (bytes); the rest is cut.
MAX_OUTPUT = 16 * 1024 * 1024
#: Modules the fork server imports once, so that each child starts warm.
PRELOAD = ["gcmod.childrun", "gcmod._childwarm"]


class ProgramFailed(SynthError):
    """The program's child process gave no usable result (exit code 4)."""


# ---------------------------------------------------------------------------
# The child
# ---------------------------------------------------------------------------
def _child(
    stack: Any,
    refs: Mapping[str, Mapping[str, Any]] | None,
    conn: Any,
    nonce: str,
    output: str,
    trace: str,
    env: dict[str, str],
    path: list[str],
) -> None:
    """Body of the child: run the program, then deliver the graph or the error."""
    from gcmod.config import ConfigError
    from gcmod.project import ProgramDependencyError, synth_project

    with contextlib.suppress(OSError, AttributeError):  # no sessions on Windows
        os.setsid()
    fd = os.open(output, os.O_WRONLY | os.O_APPEND)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stdout = open(1, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)

    def where(_signum: int, frame: Any) -> None:
        """SIGUSR1 at the timeout: write the main thread's stack, innermost first
        (a Python handler runs between the program's own bytecodes, so the frame is
        the program's; faulthandler's C-level dump showed stale frames here)."""
        import traceback

        stack = reversed(traceback.extract_stack(frame))
        lines = [f'File "{f.filename}", line {f.lineno}' for f in stack]
        Path(trace).write_text("most recent call first\n" + "\n".join(lines) + "\n")

    if hasattr(signal, "SIGUSR1"):  # POSIX: the line at the timeout is then known
        signal.signal(signal.SIGUSR1, where)
    os.environ.clear()
    os.environ.update(env)
    sys.path[:] = path
    log = RunLog()
    message: dict[str, Any] = {"nonce": nonce}
    Path(trace + ".started").touch()  # the timeout counts from here
    try:
        graph = synth_project(stack, refs, log)
        message |= {
            "ok": True,
            "graph": graph.to_json(),
            "log": {"calls": log.calls, "stackReferences": log.stack_references},
        }
    except ProgramDependencyError as exc:
        message |= {"ok": False, "kind": "dependency", "message": str(exc)}
    except ConfigError as exc:
        message |= {"ok": False, "kind": "config", "source": exc.source, "problems": exc.problems}
    except SynthError as exc:
        message |= {"ok": False, "kind": "program", "message": str(exc)}
    except BaseException as exc:
        message |= {"ok": False, "kind": "program", "message": f"{type(exc).__name__}: {exc}"}
    with contextlib.suppress(Exception):
        sys.stdout.flush()
        sys.stderr.flush()
    conn.send_bytes(json.dumps(message, ensure_ascii=False).encode("utf-8"))
    conn.close()


# ---------------------------------------------------------------------------
# The parent
# ---------------------------------------------------------------------------
def _context() -> Any:
    import multiprocessing as mp

    methods = mp.get_all_start_methods()
    if "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return mp.get_context("spawn")  # Windows: no fork at all


def _where_stuck(trace: Path, program_dir: Path) -> str | None:
    """``file:line`` of the program's innermost frame in the child's stack dump."""
    try:
        text = trace.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    root = program_dir.resolve()
    for m in re.finditer(r'File "([^"]+)", line (\d+)', text):  # innermost frame first
        path = Path(m.group(1))
        if path.is_absolute() and path.resolve().is_relative_to(root):
            rel = path.resolve().relative_to(root).parts
            if not {"site-packages", "dist-packages"} & set(rel):
                return f"{path}:{m.group(2)}"
    return None


def _dump_stack(proc: Any, trace: Path, wait: float = 3.0) -> None:
    """Ask the child for its stack (SIGUSR1) and wait until it is written, at
    most ``wait`` seconds."""
    if not hasattr(signal, "SIGUSR1"):
        return
    with contextlib.suppress(OSError):
        os.kill(proc.pid, signal.SIGUSR1)
    until = time.monotonic() + wait
    while time.monotonic() < until and proc.is_alive():
        with contextlib.suppress(OSError):
            text = trace.read_text(encoding="utf-8", errors="replace")
            if text.startswith("most recent call first") and text.endswith("\n"):
                return
        time.sleep(0.02)


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


def synth_isolated(
    stack: Any,
    stack_references: Mapping[str, Mapping[str, Any]] | None = None,
    log: RunLog | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    relay: Callable[[str], None] | None = None,
) -> ResourceGraph:
    """Run ``stack``'s program (a :class:`gcmod.project.ProjectStack`) in a child
    process and return the graph gcmod's harness delivered; what the program
    prints is passed to ``relay`` (default: gcmod's stderr).

    Raises :class:`ProgramFailed` when no complete graph was delivered,
    :class:`gcmod.project.ProgramError` /
    :class:`gcmod.project.ProgramDependencyError` /
    :class:`gcmod.config.ConfigError` for the errors the program met."""
    from gcmod.config import ConfigError
    from gcmod.project import ProgramDependencyError, ProgramError

    relay = relay or _to_stderr
    entry = stack.project.entry
    ctx = _context()
    nonce = secrets.token_hex(32)
    work = Path(tempfile.mkdtemp(prefix="gcmod-run-"))
    output, trace = work / "output.log", work / "trace.txt"
    output.touch(mode=0o600)
    reader, writer = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=_child,
        args=(stack, stack_references, writer, nonce, str(output), str(trace),
              dict(os.environ), list(sys.path)),
        name="gcmod-program", daemon=True,
    )  # fmt: skip
    relayed = 0
    payload: bytes | None = None
    timed_out = False
    launched = time.monotonic()
    started: float | None = None  # when the child began the program
    ready = Path(f"{trace}.started")
    try:
        with output.open("rb") as out:

            def pump() -> None:
                nonlocal relayed
                chunk = out.read(MAX_OUTPUT)
                if chunk and relayed < MAX_OUTPUT:
                    relay(chunk[: MAX_OUTPUT - relayed].decode("utf-8", errors="replace"))
                    relayed += len(chunk)

            try:
                with _main_not_reimported():
                    proc.start()
            except (EOFError, OSError) as exc:
                raise ProgramFailed(
                    f"could not start the child process that runs the program ({exc})"
                ) from None
            writer.close()
            while True:
                if reader.poll(0.05):
                    try:
                        payload = reader.recv_bytes(MAX_MESSAGE)
                    except (EOFError, OSError):
                        payload = None
                    break
                pump()
                if not proc.is_alive():
                    if reader.poll(0.2):
                        continue
                    break
                now = time.monotonic()
                if started is None and ready.exists():
                    started = now
                if now - (started if started is not None else launched) > timeout + (
                    0 if started is not None else STARTUP
                ):
                    timed_out = True
                    _dump_stack(proc, trace)
                    break
            if not timed_out:
                proc.join(max(1.0, timeout - (time.monotonic() - (started or launched))))
                timed_out = proc.is_alive()
            if proc.is_alive() or timed_out:
                _kill(proc)
            pump()
            if relayed >= MAX_OUTPUT:
                relay(f"\n[gcmod: the program's output was cut at {MAX_OUTPUT // 2**20} MiB]\n")
    finally:
        _kill(proc, group_only=True)
        reader.close()
        stuck = _where_stuck(trace, stack.project.program_dir) if timed_out else None
        shutil.rmtree(work, ignore_errors=True)
    where = f"{entry}"
    if timed_out:
        at = f" at {stuck}" if stuck else f" ({entry}; line not known)"
        raise ProgramFailed(
            f"the program did not finish within the {timeout:g} s timeout and was stopped"
            f"{at}; nothing was checked. Raise it with --timeout SECONDS if the program "
            "is just slow"
        )
    message = _message(payload, nonce)
    code = proc.exitcode
    if message is None:
        how = (
            f"was killed by {_signal_name(code)}"
            if code is not None and code < 0
            else f"ended with exit status {code}"
        )
        raise ProgramFailed(
            f"the program's process {how} before gcmod's harness delivered a resource "
            f"graph ({where}; line not known): a program that calls os._exit(), crashes "
            "the interpreter or is killed gives no result, and nothing was checked"
        )
    if code != 0:
        raise ProgramFailed(
            f"the program's process ended with {_signal_name(code) if code and code < 0 else code}"
            f" after delivering its graph ({where}); the result is not used"
        )
    if not message.get("ok"):
        kind = message.get("kind")
        if kind == "dependency":
            raise ProgramDependencyError(str(message.get("message")))
        if kind == "config":
            raise ConfigError(str(message.get("source")), list(message.get("problems") or []))
        raise ProgramError(str(message.get("message")))
    try:
        graph = ResourceGraph.from_json(message["graph"])
        calls, refs = message["log"]["calls"], message["log"]["stackReferences"]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ProgramFailed(f"the program's child delivered an incomplete graph ({exc})") from None
    if log is not None:
        log.calls.update(calls)
        log.stack_references.update(refs)
    return graph


def _message(payload: bytes | None, nonce: str) -> dict[str, Any] | None:
    """The harness's message, or None if there is none or it is not one."""
    if not payload:
        return None
    try:
        message = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(message, dict) or not hmac.compare_digest(
        str(message.get("nonce", "")), nonce
    ):
        return None
    return message


@contextlib.contextmanager
def _main_not_reimported() -> Any:
    """multiprocessing runs the parent's ``__main__`` script again in each child
    (as ``__mp_main__``) unless it has no file: the child needs only
    :func:`_child`, and a caller's unguarded script must not run twice."""
    import types

    saved = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = saved


def _kill(proc: Any, group_only: bool = False) -> None:
    """End the child's session (the program's own sub-processes too)."""
    pid = proc.pid
    if pid is None:
        return
    if hasattr(os, "killpg"):
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)  # the child made itself a session leader
    if not group_only:
        with contextlib.suppress(OSError):
            proc.kill()
        proc.join(5)


def _to_stderr(text: str) -> None:
    import click

    click.echo(text, err=True, nl=False)
