"""Plan overview requests per second under gunicorn, against a bare Flask hello-world in the same run.

Both run with the same gunicorn settings (2 sync workers here) on loopback; a load of 8 client threads
signed in as the demo HR manager runs for a fixed time against each. Requests stay on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

DURATION = 10.0
CLIENTS = 8
WORKERS = "2"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(app_spec: str, port: int, env: dict, cwd: str, workers: str = WORKERS) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "gunicorn", "-c", str(Path(__file__).parent.parent / "gunicorn.conf.py"), app_spec],
        env={**env, "WELFARE_GUNICORN_BIND": f"127.0.0.1:{port}", "WELFARE_GUNICORN_WORKERS": workers,
             "WELFARE_GUNICORN_ACCESSLOG": "/dev/null"},
        cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{app_spec} did not start")


def sign_in(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    body = "email=hr%40example.org&password=demo-hr-2026"
    connection.request("POST", "/auth/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    cookie = re.match(r"[^;]+", response.getheader("Set-Cookie") or "").group(0)
    # a browser follows the redirect and shows "signed in": read that page so no message stays waiting
    connection.request("GET", "/plans/", headers={"Cookie": cookie})
    response = connection.getresponse()
    response.read()
    updated = response.getheader("Set-Cookie")
    return re.match(r"[^;]+", updated).group(0) if updated else cookie


def load(port: int, path: str, cookie: str) -> tuple[float, int]:
    """Requests per second over DURATION seconds, and how many failed."""
    counts, errors = [0] * CLIENTS, [0] * CLIENTS
    stop = time.monotonic() + DURATION

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port)
        while time.monotonic() < stop:
            connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                counts[index] += 1
            else:
                errors[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started), sum(errors)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "WELFARE_DATABASE_URL": f"sqlite:///{folder}/bench.db",
            "WELFARE_SECRET_KEY": "bench",
            "WELFARE_WTF_CSRF_ENABLED": "false",  # the load client signs in without a browser
            "WELFARE_CATALOG_SYNC_ON_STARTUP": "false",
            "WELFARE_DOCUMENTS_DIR": f"{folder}/documents",
            "FLASK_APP": "welfare_plans",
        }
        for command in (["db", "upgrade"], ["demo", "load"]):
            subprocess.run([sys.executable, "-m", "flask", *command], env=env, check=True,  # noqa: S603
                           stdout=subprocess.DEVNULL)  # fmt: skip
        Path(folder, "hello.py").write_text(
            textwrap.dedent("""
            from flask import Flask
            app = Flask(__name__)

            @app.get("/")
            def hello():
                return "Hello, world!"
        """)
        )
        app_port, hello_port = free_port(), free_port()
        app_server = serve("welfare_plans:create_app()", app_port, env, folder)
        hello_server = serve("hello:app", hello_port, env, folder)
        try:
            cookie = sign_in(app_port)
            hello_rps, hello_errors = load(hello_port, "/", "")
            overview_rps, overview_errors = load(app_port, "/plans/1", cookie)
        finally:
            for server in (app_server, hello_server):
                server.terminate()
                server.wait(timeout=30)
    print(f"gunicorn, {WORKERS} sync workers, {CLIENTS} clients for {DURATION:.0f} s each, on loopback")
    print(f"  hello-world route      {hello_rps:7.0f} requests/s ({hello_errors} errors)")
    print(f"  plan overview          {overview_rps:7.0f} requests/s ({overview_errors} errors)")
    print(f"  overview / hello-world {100 * overview_rps / hello_rps:6.1f} %   target >= 35 %")


if __name__ == "__main__":
    main()
