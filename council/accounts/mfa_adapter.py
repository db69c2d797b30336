"""allauth MFA hooks: the QR code is drawn with segno, already used for the hall's QR codes."""

import io

import segno
from allauth.mfa.adapter import DefaultMFAAdapter


class CouncilMFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        """The authenticator's QR code as SVG (allauth's default needs the qrcode package)."""
        buffer = io.BytesIO()
        segno.make(url, error="m").save(buffer, kind="svg", scale=4, xmldecl=False)
        return buffer.getvalue().decode("utf-8")
