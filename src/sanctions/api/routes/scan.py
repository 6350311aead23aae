"""`POST /v1/scan` (a document: a multipart upload or the raw body) and `POST /v1/scan/payment`
(a raw ISO 20022 XML or SWIFT MT body): the same JSON as `sanctions scan --json` and
`sanctions scan-payment --json`. Bodies up to the upload limit (`--max-upload-mb`); over
it, a 413."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from ...errors import QueryError
from ...settings import DEFAULT_THRESHOLD
from ..deps import ERROR_RESPONSES, api_state, require_key

router = APIRouter(prefix="/v1", dependencies=[Depends(require_key)], responses=ERROR_RESPONSES)

_BODY = {
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        "text/plain": {"schema": {"type": "string"}},
    }
}
_PAYMENT_BODY = {
    "content": {
        "application/xml": {"schema": {"type": "string"}},
        "text/plain": {"schema": {"type": "string"}},
    }
}


async def _body(request: Request) -> tuple[bytes, str]:
    """The document's bytes and a name: the `file` part of a multipart form, else the body."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        try:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise QueryError("send the document as the form's `file` part", field="file")
            return await upload.read(), upload.filename or "upload"
        finally:
            await form.close()
    data = await request.body()
    if not data:
        raise QueryError("the request body is empty: send a document", field="body")
    return data, request.query_params.get("filename") or "body"


@router.post("/scan", tags=["Scanning"], openapi_extra={"requestBody": _BODY})
async def scan(
    request: Request,
    threshold: float = Query(DEFAULT_THRESHOLD, ge=0.0, le=1.0),
    filename: str | None = Query(None, description="The document's name, for a raw body."),
) -> dict[str, Any]:
    """Listed names and sanctioned places in a document (text in any encoding, HTML, PDF,
    DOCX, e-mail): `hits` (entity, matched text, offsets, page, snippet, score,
    explanation) and `regions`. An unreadable document is a 422 naming the problem."""
    from ...extract.document import document_from_bytes
    from ...extract.scan import TextScanner

    data, name = await _body(request)
    screener = api_state(request).ready().screener
    result = TextScanner(screener, threshold=threshold).scan(document_from_bytes(data, name))
    return {"threshold": threshold, "lists": screener.versions, **result.to_json()}


@router.post("/scan/payment", tags=["Scanning"], openapi_extra={"requestBody": _PAYMENT_BODY})
async def scan_payment(
    request: Request,
    threshold: float = Query(DEFAULT_THRESHOLD, ge=0.0, le=1.0),
) -> dict[str, Any]:
    """A verdict per message of an ISO 20022 (pacs.008, pacs.009, pain.001) or SWIFT MT
    (MT103, MT202, MT202COV) body: `hold` or `pass`, with every finding's field path, value,
    entity or place and score. A message that cannot be read is a 422 (never a `pass`)."""
    from ...extract.payment import parse_messages
    from ...extract.verdict import PaymentScreener

    data = await request.body()
    if not data:
        raise QueryError("the request body is empty: send a payment message", field="body")
    messages = parse_messages(data, request.query_params.get("filename") or "body")
    screener = api_state(request).ready().screener
    payments = PaymentScreener(screener, threshold=threshold)
    results = [payments.verdict(message).to_json() for message in messages]
    held = sum(1 for r in results if r["verdict"] == "hold")
    return {
        "threshold": threshold,
        "lists": screener.versions,
        "messages": len(results),
        "held": held,
        "results": results,
    }
