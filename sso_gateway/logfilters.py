"""A last line of defence: secrets and tokens never reach a log line.

Code should not log secrets in the first place; this filter catches what slips through
(an exception message quoting a request body, a URL with a code in it).
"""

import json
import logging
import re

_PATTERNS = [
    # JWTs (ID tokens, access tokens): three base64url parts, the first two starting with eyJ.
    re.compile(r"eyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*"),
    # Atlassian API tokens.
    re.compile(r"\bATATT[\w=-]{10,}"),
    # Fernet ciphertexts, as stored in the database.
    re.compile(r"\bgAAAAA[\w=-]{20,}"),
    # key=value pairs whose key names a secret.
    re.compile(
        r"(?i)((?:client_secret|api_token|access_token|id_token|refresh_token|code_verifier|password|secret|code)"
        r"[\"']?\s*[:=]\s*[\"']?)[^\s&\"',}]+"
    ),
    re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?(?:basic|bearer)\s+)[\w.~+/=-]+"),
]


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "[redacted]", text)
    return text


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, tenant, and any `extra`."""

    _STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id", "tenant"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "tenant": getattr(record, "tenant", "-"),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in self._STANDARD and not k.startswith("_")})
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str, ensure_ascii=False)
