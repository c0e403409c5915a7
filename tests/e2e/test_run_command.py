"""The README's run command (bin/run), started as a newcomer would: a fresh var/ directory, nothing
but Python. It must print a substitute link that an HTTP client can follow through the demo identity
provider to the portal, and Ctrl-C (SIGINT) must leave no process behind.
"""

import html
import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
LINK = re.compile(r"^ {4}(\S.*?) {2,}(http://127\.0\.0\.1:\d+/demo/portal/\d+/)$", re.MULTILINE)
START_TIMEOUT = 300  # a fresh machine installs the Python packages first


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_members(session_id: int) -> list[str]:
    """The command lines of every live process in session `session_id` (bin/run's; children inherit it)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == session_id and fields[0] != "Z":
            found.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
    return found


@pytest.fixture
def run_command(tmp_path):
    """`start()` runs bin/run in its own session on one var/ directory and port, its output collected line by
    line; whatever is still running at teardown is SIGKILLed (a test that failed early)."""
    port, started = _free_port(), []
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "CELERY_", "GATEWAY_"))
    }
    env.update(GATEWAY_VAR_DIR=str(tmp_path / "var"), GATEWAY_LISTEN=f"127.0.0.1:{port}")

    def start() -> subprocess.Popen:
        process = subprocess.Popen(
            [str(REPO / "bin" / "run")], cwd=REPO, env=env, start_new_session=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        process.lines = queue.Queue()
        threading.Thread(target=lambda: [process.lines.put(line) for line in process.stdout], daemon=True).start()
        process.port = port
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _ctrl_c(process) -> None:
    """SIGINT as a terminal's Ctrl-C sends it to bin/run; then no process of its session may be left."""
    running = " | ".join(_session_members(process.pid))
    for name in ["run_demo", "runserver", "celery -A sso_gateway --quiet worker", "celery -A sso_gateway --quiet beat"]:
        assert name in running, running
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    deadline = time.monotonic() + 10
    while _session_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _session_members(process.pid) == [], "processes left behind after Ctrl-C"


def _wait_for_links(process) -> tuple[dict[str, str], str]:
    output, links = [], []
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            line = process.lines.get(timeout=1)
        except queue.Empty:
            assert process.poll() is None, "bin/run stopped:\n" + "".join(output[-60:])
            continue
        output.append(line)
        links += LINK.findall(line)
        if links and line.startswith("  What to click"):
            return dict(links), "".join(output)
    raise AssertionError("bin/run printed no substitute link in time:\n" + "".join(output[-60:]))


def _sign_in_as(http: requests.Session, link: str, customer: str) -> requests.Response:
    picker = http.get(link, timeout=30)
    assert picker.status_code == 200 and "Demo identity provider" in picker.text, picker.text[:500]
    return http.post(
        picker.url,
        data={**_form_fields(picker.text), "customer": customer},
        headers={"Referer": picker.url},
        timeout=30,
    )


def _form_fields(page: str) -> dict[str, str]:
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    }


def _admin_sync_now(base: str, password: str) -> str:
    """As the printed operator: Tenants → select the demo tenant → "Sync service desks now"; the worker runs it."""
    admin = requests.Session()
    login = admin.get(f"{base}/admin/login/", timeout=30)
    admin.post(login.url, data={**_form_fields(login.text), "username": "admin", "password": password}, timeout=30)
    tenants = admin.get(f"{base}/admin/tenants/tenant/", timeout=30)
    assert tenants.status_code == 200 and "Demo Company" in tenants.text, tenants.text[:300]
    tenant_pk = re.search(r'name="_selected_action" value="(\d+)"', tenants.text).group(1)
    fields = {**_form_fields(tenants.text), "action": "sync_now", "_selected_action": tenant_pk, "index": "0"}
    started = admin.post(tenants.url, data=fields, timeout=30)
    assert "Sync started for 1 tenant(s)" in started.text
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        runs = admin.get(f"{base}/admin/tenants/syncrun/?trigger__exact=admin", timeout=30).text
        if '<td class="field-outcome">Succeeded</td>' in runs:  # a row, not the filter's link
            return runs
        time.sleep(0.5)
    raise AssertionError("the worker never ran the sync queued by Sync now")


def _rest_of_output(process) -> str:
    lines = []
    while not process.lines.empty():
        lines.append(process.lines.get_nowait())
    return "".join(lines)


def _admin_session(base: str, password: str) -> requests.Session:
    admin = requests.Session()
    login = admin.get(f"{base}/admin/login/", timeout=30)
    admin.post(login.url, data={**_form_fields(login.text), "username": "admin", "password": password}, timeout=30)
    return admin


def _own_tenant_on_the_demo_jira(base: str, password: str, output: str) -> str:
    """As the README's "start from nothing": add a tenant, then its Jira connection with the credentials bin/run
    printed, Save and verify: the page that lists its service desks with their substitute links."""
    site = re.search(r"Jira connection: +site URL (\S+), classic token", output).group(1)
    email, token = re.search(r"service-account email (\S+), API token (\S+)", output).groups()
    admin = _admin_session(base, password)
    add = admin.get(f"{base}/admin/tenants/tenant/add/", timeout=30)
    fields = {**_form_fields(add.text), "name": "Second Co", "slug": "second", "is_active": "on", "_save": "Save"}
    # What the form's selects and the time-zone box hold when the admin changes nothing.
    fields.update(portal_mode="hosted", default_language="en", default_time_zone="UTC")
    assert admin.post(add.url, data=fields, timeout=30).status_code == 200
    form = admin.get(f"{base}/admin/tenants/jiraconnection/add/", timeout=30)
    tenant_pk = re.search(r'<option value="(\d+)">Second Co</option>', form.text).group(1)
    fields = {**_form_fields(form.text), "tenant": tenant_pk, "site_url": site, "auth_mode": "classic",
              "email": email, "api_token": token, "_verify": "1"}  # fmt: skip
    verified = admin.post(form.url, data=fields, timeout=60)
    assert verified.status_code == 200 and 'id="verified-desks"' in verified.text, verified.text[-1500:]
    return verified.text


def test_run_command_prints_links_that_sign_a_customer_in_and_ctrl_c_stops_every_process(run_command):
    first = run_command()
    links, output = _wait_for_links(first)
    assert f"127.0.0.1:{first.port}/admin/" in output and "Operator login:   admin / " in output
    assert f"Demo tenant:      Demo Company at http://127.0.0.1:{first.port}/demo/" in output
    assert len(links) == 3, output

    it_help = links["IT Help"]
    landed = _sign_in_as(requests.Session(), it_help, "ada")
    assert landed.status_code == 200 and landed.url == it_help, landed.text[:500]
    assert "IT Help" in landed.text and "ada@analytical.example" in landed.text
    assert any("/demo-idp/authorize/" in step.url for step in landed.history)  # through the demo OP, not around it

    base = f"http://127.0.0.1:{first.port}"
    home = requests.get(base + "/", timeout=30).text
    assert "Local demo: what to click" in home and it_help in home
    password = re.search(r"Operator login:   admin / (\S+)", output).group(1)
    assert f'<code id="demo-password">{password}</code>' in home  # only for a browser on this machine
    outside = requests.get(f"{base}/demo-idp/", params={"next": "https://evil.example/"}, timeout=30)
    assert outside.status_code == 400  # the picker only ever continues to its own authorize endpoint
    _admin_sync_now(base, password)
    time.sleep(1)  # the rest of the banner
    output += _rest_of_output(first)
    verified = _own_tenant_on_the_demo_jira(base, password, output)
    assert f"127.0.0.1:{first.port}/second/portal/1/" in verified and "IT Help" in verified
    assert requests.get(f"{base}/favicon.ico", timeout=30).headers["Content-Type"] == "image/x-icon"
    _ctrl_c(first)
    output += _rest_of_output(first)
    # Quiet logs (issue 17, item 7): nothing a newcomer would take for a problem.
    for noise in ["SecurityWarning", "superuser privileges", "No hostname was supplied", "favicon.ico 404",
                  "Traceback", "This is a development server", "Bad Request:", "Not Found:"]:  # fmt: skip
        assert noise not in output, f"{noise!r} in the output of bin/run:\n{output[-3000:]}"

    # Safe twice: same data, same password and links; Ada's requests are hers again on the restarted Jira site.
    second = run_command()
    links_again, output_again = _wait_for_links(second)
    assert links_again == links and f"admin / {password}" in output_again
    http = requests.Session()
    assert _sign_in_as(http, it_help, "ada").url == it_help
    mine = http.get(f"{base}/demo/requests/", timeout=30)
    assert mine.status_code == 200 and "VPN drops every hour" in mine.text, mine.text[:500]
    _ctrl_c(second)


def test_demo_mode_off_serves_no_demo_identity_provider(client, settings, db):
    """The test settings are the default (GATEWAY_DEMO off): no demo app, no /demo-idp/ URLs."""
    assert not settings.GATEWAY_DEMO
    assert "demo" not in settings.INSTALLED_APPS and "oauth2_provider" not in settings.INSTALLED_APPS
    assert client.get("/demo-idp/.well-known/openid-configuration").status_code == 404
    assert "Local demo" not in client.get("/").content.decode()
