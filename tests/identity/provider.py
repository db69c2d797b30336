"""The loopback OpenID Connect provider that behaves like FranceConnect v2 (oidc_provider.mjs).

A real Node.js process, started once per test session on a free port; each test registers
the clients it needs (dynamic registration) with its own redirect URIs.
"""

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urljoin
from urllib.parse import urlsplit

import pytest
import requests

SCRIPT = Path(__file__).with_name("oidc_provider.mjs")


@dataclass(frozen=True)
class Provider:
    issuer: str

    def register(
        self, *, redirect_uri: str, post_logout_redirect_uri: str | None = None, alg: str = "ES256",
        signed_userinfo: bool = True,
    ) -> dict:
        """Register a client (as FranceConnect's partner space would) and return its id and secret.

        signed_userinfo=False: the userinfo is plain JSON, as most providers send it.
        """
        client = {
            "redirect_uris": [redirect_uri],
            "id_token_signed_response_alg": alg,
            "token_endpoint_auth_method": "client_secret_post",
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
        }
        if post_logout_redirect_uri:
            client["post_logout_redirect_uris"] = [post_logout_redirect_uri]
        if signed_userinfo:
            client["userinfo_signed_response_alg"] = alg
        response = requests.post(f"{self.issuer}/reg", json=client, timeout=10)
        response.raise_for_status()
        return response.json()

    def log_in(self, authorize_url: str, login: str, session: requests.Session | None = None) -> str:
        """Go through the provider's pages as `login`; return the URL it sends the browser back to."""
        session = session or requests.Session()
        url = authorize_url
        while url.startswith(self.issuer):
            response = session.get(url, allow_redirects=False, timeout=10)
            if response.status_code == 200 and "<form" in response.text:
                action = unescape(re.search(r'action="([^"]+)"', response.text).group(1))
                response = session.post(
                    urljoin(url, action), data={"login": login}, allow_redirects=False, timeout=10
                )
            assert response.status_code in (302, 303), response.text
            url = urljoin(url, response.headers["Location"])
        return url

    def end_session(self, end_session_url: str) -> str:
        """Follow the provider's end-session pages (the form submits itself in a browser)."""
        session = requests.Session()
        response = session.get(end_session_url, allow_redirects=False, timeout=10)
        assert response.status_code == 200, response.text
        action = unescape(re.search(r'action="([^"]+)"', response.text).group(1))
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.text))
        response = session.post(
            urljoin(end_session_url, action), data={**fields, "logout": "yes"}, allow_redirects=False, timeout=10
        )
        assert response.status_code in (302, 303), response.text
        return urljoin(end_session_url, response.headers["Location"])


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


@pytest.fixture(scope="session")
def oidc_provider():
    node = shutil.which("node")
    assert node, "Node.js is needed for the FranceConnect tests (frontend/package.json has oidc-provider)"
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - read on failure
    process = subprocess.Popen([node, str(SCRIPT)], stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        line = process.stdout.readline()
        if not line:
            log.seek(0)
            raise RuntimeError("The test OpenID provider did not start:\n" + log.read())
        yield Provider(issuer=json.loads(line)["issuer"])
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
