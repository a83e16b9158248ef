"""A client for Chorus Pro's API (through PISTE): OAuth2 client credentials, then the invoice
deposit endpoint (``cpro/factures/v1/deposer/flux``) with the technical account's ``cpro-account``.

Used when the shop configured its credentials (``CHORUS_PRO_*`` environment variables, see the
README); otherwise public schools' invoices wait in the admin queue "to deposit".
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass

import requests
from django.conf import settings

DEPOSIT_PATH = "/cpro/factures/v1/deposer/flux"
#: Chorus Pro's name for a Factur-X PDF (CII embedded in a PDF/A-3).
FACTURX_SYNTAX = "IN_DP_E2_CII_FACTURX"


class ChorusError(Exception):
    """Chorus Pro could not be reached, or answered something unexpected: try again later."""


class ChorusRejected(ChorusError):
    """Chorus Pro refused the deposit; the message is its reason."""


@dataclass(frozen=True)
class DepositReceipt:
    flow_number: str
    deposited_on: str = ""


def chorus_configured() -> bool:
    return all(
        (
            settings.CHORUS_PRO_CLIENT_ID,
            settings.CHORUS_PRO_CLIENT_SECRET,
            settings.CHORUS_PRO_LOGIN,
            settings.CHORUS_PRO_PASSWORD,
        )
    )


class ChorusClient:
    def __init__(
        self,
        *,
        api_url: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        login: str,
        password: str,
        timeout: float = 30.0,
        session: requests.Session | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.token_url = token_url
        self.client_id, self.client_secret = client_id, client_secret
        self.login, self.password = login, password
        self.timeout = timeout
        self.session = session or requests.Session()
        self._token: str | None = None
        self._token_expires = 0.0

    def _access_token(self) -> str:
        if self._token and time.monotonic() < self._token_expires:
            return self._token
        try:
            response = self.session.post(
                self.token_url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "scope": "openid",
                },
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise ChorusError(f"PISTE token: {error}") from error
        if response.status_code != 200:
            raise ChorusError(f"PISTE token: HTTP {response.status_code}")
        data = response.json()
        self._token = data["access_token"]
        self._token_expires = time.monotonic() + max(int(data.get("expires_in", 3600)) - 60, 0)
        return self._token

    def _headers(self) -> dict[str, str]:
        account = base64.b64encode(f"{self.login}:{self.password}".encode()).decode()
        return {
            "Authorization": f"Bearer {self._access_token()}",
            "cpro-account": account,
            "Content-Type": "application/json;charset=utf-8",
            "Accept": "application/json;charset=utf-8",
        }

    def deposit_flow(self, *, pdf: bytes, filename: str) -> DepositReceipt:
        """Deposit one Factur-X PDF; its flow number, or ``ChorusRejected`` with Chorus Pro's reason."""
        payload = {
            "fichierFlux": base64.b64encode(pdf).decode(),
            "nomFichier": filename,
            "syntaxeFlux": FACTURX_SYNTAX,
            "avecSignature": False,
        }
        try:
            response = self.session.post(
                self.api_url + DEPOSIT_PATH, json=payload, headers=self._headers(), timeout=self.timeout
            )
        except requests.RequestException as error:
            raise ChorusError(f"Chorus Pro: {error}") from error
        if response.status_code >= 500 or response.status_code in (401, 403, 429):
            raise ChorusError(f"Chorus Pro: HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError as error:
            raise ChorusError(f"Chorus Pro: HTTP {response.status_code}, not JSON") from error
        code = data.get("codeRetour")
        if response.status_code != 200 or (code not in (0, "0", None)):
            raise ChorusRejected(str(data.get("libelle") or data.get("message") or f"HTTP {response.status_code}"))
        flow = str(data.get("numeroFluxDepot") or "")
        if not flow:
            raise ChorusError("Chorus Pro: no flow number in the answer")
        return DepositReceipt(flow_number=flow, deposited_on=str(data.get("dateDepot") or ""))


def chorus_client() -> ChorusClient:
    return ChorusClient(
        api_url=settings.CHORUS_PRO_API_URL,
        token_url=settings.CHORUS_PRO_TOKEN_URL,
        client_id=settings.CHORUS_PRO_CLIENT_ID,
        client_secret=settings.CHORUS_PRO_CLIENT_SECRET,
        login=settings.CHORUS_PRO_LOGIN,
        password=settings.CHORUS_PRO_PASSWORD,
    )
