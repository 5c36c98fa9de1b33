"""ReDoc at `/redoc`, from the assets of fastapi-offline, as Swagger UI at `/docs`.

ReDoc's sidebar shows a logo from its vendor's CDN; the page forbids images from
anywhere but this server, so a closed network sees no outside request at all.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import HTMLResponse

DOCS_ASSETS = "/docs-assets"
_LOCAL_IMAGES = (
    '<meta http-equiv="Content-Security-Policy" content="img-src \'self\' data:">'
)

router = APIRouter(include_in_schema=False)


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    """The API reference in ReDoc (the same spec as /docs)."""
    root = request.scope.get("root_path", "")
    page = get_redoc_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} - ReDoc",
        redoc_js_url=f"{root}{DOCS_ASSETS}/redoc.standalone.js",
        redoc_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
        with_google_fonts=False,
    )
    html = (
        bytes(page.body)
        .decode("utf-8")
        .replace("<head>", f"<head>\n{_LOCAL_IMAGES}", 1)
    )
    return HTMLResponse(html)
