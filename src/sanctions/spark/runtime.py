"""What Spark needs from the machine (PySpark, a Java runtime) and a quiet session.

`missing()` says, in one sentence, what is absent; `require()` raises it as a `UsageError`
(exit code 2), so the CLI prints one clear line instead of a Java or import traceback.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# Spark's own logging: errors only (its default prints a banner and warnings at start).
_LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""
INSTALL_HINT = 'pip install "sanctions[spark]"'
JAVA_HINT = "apt-get install default-jre-headless, or set JAVA_HOME"


def java_executable() -> str | None:
    """The `java` Spark will start: $JAVA_HOME/bin/java when set, else the one on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / "java"
        return str(candidate) if candidate.is_file() else None
    return shutil.which("java")


def missing() -> str | None:
    """Why Spark cannot run here (PySpark or Java absent); None when it can."""
    if importlib.util.find_spec("pyspark") is None:
        return f"PySpark is not installed ({INSTALL_HINT})"
    if java_executable() is None:
        where = "JAVA_HOME" if os.environ.get("JAVA_HOME") else "PATH"
        return f"no Java runtime found on {where}; Spark needs one ({JAVA_HINT})"
    return None


def require() -> None:
    if (reason := missing()) is not None:
        raise UsageError(f"cannot run Spark: {reason}")


def local_session(
    master: str = "local[*]",
    *,
    app_name: str = "sanctions",
    local_dir: Path | None = None,
    shuffle_partitions: int = 4,
) -> SparkSession:
    """A SparkSession that starts fast and stays quiet: no web UI, few shuffle partitions,
    log level ERROR; on a local master also scratch space in a temporary folder and Python
    workers on this interpreter (a cluster's executors bring their own: docs/scaling.md).
    An active session (a notebook's, spark-submit's) is returned as it is, but quieter."""
    require()
    from pyspark.sql import SparkSession

    scratch = local_dir
    if scratch is None:
        scratch = Path(tempfile.mkdtemp(prefix="sanctions-spark-"))
        atexit.register(shutil.rmtree, scratch, True)
    scratch.mkdir(parents=True, exist_ok=True)
    log_config = scratch / "log4j2.properties"
    log_config.write_text(_LOG4J)
    if master.startswith("local"):  # no "hostname resolves to a loopback address" warning
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    java_options = f"-Dlog4j2.configurationFile=file:{log_config}"
    builder = (
        SparkSession.builder.appName(app_name)
        .master(master)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.driver.extraJavaOptions", java_options)
    )
    if master.startswith("local"):  # executors on this machine: this folder, this Python
        builder = (
            builder.config("spark.local.dir", str(scratch))
            .config("spark.executor.extraJavaOptions", java_options)
            .config("spark.pyspark.python", sys.executable)
            .config("spark.pyspark.driver.python", sys.executable)
        )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
